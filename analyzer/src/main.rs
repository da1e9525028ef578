fn main() {
    eprintln!("kstig: not built yet");
    std::process::exit(2);
}
