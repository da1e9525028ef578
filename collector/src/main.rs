fn main() {
    eprintln!("kstig-collect: not built yet");
    std::process::exit(2);
}
