"""OS-level files shared by the sample nodes: passwd/group, os-release, hostname, units."""

OS_RELEASE = {
    "ubuntu2204": """PRETTY_NAME="Ubuntu 22.04.4 LTS"
NAME="Ubuntu"
VERSION_ID="22.04"
VERSION="22.04.4 LTS (Jammy Jellyfish)"
VERSION_CODENAME=jammy
ID=ubuntu
ID_LIKE=debian
HOME_URL="https://www.ubuntu.com/"
SUPPORT_URL="https://help.ubuntu.com/"
BUG_REPORT_URL="https://bugs.launchpad.net/ubuntu/"
PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"
UBUNTU_CODENAME=jammy
""",
    "rocky94": """NAME="Rocky Linux"
VERSION="9.4 (Blue Onyx)"
ID="rocky"
ID_LIKE="rhel centos fedora"
VERSION_ID="9.4"
PLATFORM_ID="platform:el9"
PRETTY_NAME="Rocky Linux 9.4 (Blue Onyx)"
ANSI_COLOR="0;32"
LOGO="fedora-logo-icon"
CPE_NAME="cpe:/o:rocky:rocky:9::baseos"
HOME_URL="https://rockylinux.org/"
BUG_REPORT_URL="https://bugs.rockylinux.org/"
SUPPORT_END="2032-05-31"
ROCKY_SUPPORT_PRODUCT="Rocky-Linux-9"
ROCKY_SUPPORT_PRODUCT_VERSION="9.4"
REDHAT_SUPPORT_PRODUCT="Rocky Linux"
REDHAT_SUPPORT_PRODUCT_VERSION="9.4"
""",
    "sles155": """NAME="SLES"
VERSION="15-SP5"
VERSION_ID="15.5"
PRETTY_NAME="SUSE Linux Enterprise Server 15 SP5"
ID="sles"
ID_LIKE="suse"
ANSI_COLOR="0;32"
CPE_NAME="cpe:/o:suse:sles:15:sp5"
DOCUMENTATION_URL="https://documentation.suse.com/"
""",
    "debian12": """PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"
NAME="Debian GNU/Linux"
VERSION_ID="12"
VERSION="12 (bookworm)"
VERSION_CODENAME=bookworm
ID=debian
HOME_URL="https://www.debian.org/"
SUPPORT_URL="https://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
""",
}

PASSWD = {
    "ubuntu2204": """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
gnats:x:41:41:Gnats Bug-Reporting System (admin):/var/lib/gnats:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
_apt:x:100:65534::/nonexistent:/usr/sbin/nologin
systemd-network:x:101:102:systemd Network Management,,,:/run/systemd:/usr/sbin/nologin
systemd-resolve:x:102:103:systemd Resolver,,,:/run/systemd:/usr/sbin/nologin
messagebus:x:103:104::/nonexistent:/usr/sbin/nologin
systemd-timesync:x:104:105:systemd Time Synchronization,,,:/run/systemd:/usr/sbin/nologin
syslog:x:105:111::/home/syslog:/usr/sbin/nologin
uuidd:x:106:112::/run/uuidd:/usr/sbin/nologin
tcpdump:x:107:113::/nonexistent:/usr/sbin/nologin
tss:x:108:114:TPM software stack,,,:/var/lib/tpm:/bin/false
sshd:x:109:65534::/run/sshd:/usr/sbin/nologin
chrony:x:110:116:Chrony daemon,,,:/var/lib/chrony:/usr/sbin/nologin
etcd:x:998:998:etcd data owner (CNTR-K8-003120):/var/lib/etcd:/usr/sbin/nologin
sysadmin:x:1000:1000:Site Sysadmin,,,:/home/sysadmin:/bin/bash
""",
    "rocky94": """root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:daemon:/sbin:/sbin/nologin
adm:x:3:4:adm:/var/adm:/sbin/nologin
lp:x:4:7:lp:/var/spool/lpd:/sbin/nologin
sync:x:5:0:sync:/sbin:/bin/sync
shutdown:x:6:0:shutdown:/sbin:/sbin/shutdown
halt:x:7:0:halt:/sbin:/sbin/halt
mail:x:8:12:mail:/var/spool/mail:/sbin/nologin
operator:x:11:0:operator:/root:/sbin/nologin
games:x:12:100:games:/usr/games:/sbin/nologin
ftp:x:14:50:FTP User:/var/ftp:/sbin/nologin
nobody:x:65534:65534:Kernel Overflow User:/:/sbin/nologin
systemd-coredump:x:999:997:systemd Core Dumper:/:/sbin/nologin
dbus:x:81:81:System message bus:/:/sbin/nologin
tss:x:59:59:Account used for TPM access:/dev/null:/sbin/nologin
sssd:x:998:995:User for sssd:/:/sbin/nologin
chrony:x:997:994:chrony system user:/var/lib/chrony:/sbin/nologin
sshd:x:74:74:Privilege-separated SSH:/usr/share/empty.sshd:/sbin/nologin
admin:x:1000:1000:Site Admin:/home/admin:/bin/bash
""",
    "sles155": """root:x:0:0:root:/root:/bin/bash
bin:x:1:1:bin:/bin:/sbin/nologin
daemon:x:2:2:Daemon:/sbin:/sbin/nologin
lp:x:495:491:Printing daemon:/var/spool/lpd:/usr/sbin/nologin
mail:x:498:494:Mailer daemon:/var/spool/clientmqueue:/usr/sbin/nologin
man:x:13:62:Manual pages viewer:/var/lib/empty:/usr/sbin/nologin
messagebus:x:499:499:User for D-Bus:/run/dbus:/usr/sbin/nologin
news:x:9:13:News system:/etc/news:/bin/bash
nobody:x:65534:65534:nobody:/var/lib/nobody:/bin/bash
polkitd:x:496:492:User for polkitd:/var/lib/polkit:/usr/sbin/nologin
chrony:x:494:490:Chrony Daemon:/var/lib/chrony:/usr/sbin/nologin
sshd:x:497:493:SSH daemon:/var/lib/sshd:/usr/sbin/nologin
systemd-network:x:490:486:systemd Network Management:/:/usr/sbin/nologin
systemd-timesync:x:489:485:systemd Time Synchronization:/:/usr/sbin/nologin
etcd:x:471:471:etcd user (rke2 profile cis):/var/lib/rancher/rke2/server/db/etcd:/sbin/nologin
rkeadmin:x:1000:100:RKE2 Administrator:/home/rkeadmin:/bin/bash
""",
    "debian12": """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
systemd-network:x:998:998:systemd Network Management:/:/usr/sbin/nologin
systemd-timesync:x:997:997:systemd Time Synchronization:/:/usr/sbin/nologin
messagebus:x:100:107::/nonexistent:/usr/sbin/nologin
sshd:x:101:65534::/run/sshd:/usr/sbin/nologin
opsadmin:x:1000:1000:Ops Admin,,,:/home/opsadmin:/bin/bash
""",
}

GROUP = {
    "ubuntu2204": """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:syslog,sysadmin
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
cdrom:x:24:sysadmin
floppy:x:25:
sudo:x:27:sysadmin
audio:x:29:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
plugdev:x:46:sysadmin
staff:x:50:
users:x:100:
nogroup:x:65534:
systemd-journal:x:101:
systemd-network:x:102:
systemd-resolve:x:103:
messagebus:x:104:
systemd-timesync:x:105:
input:x:106:
kvm:x:107:
render:x:108:
crontab:x:109:
netdev:x:110:
syslog:x:111:
uuidd:x:112:
tcpdump:x:113:
tss:x:114:
_ssh:x:115:
chrony:x:116:
etcd:x:998:
sysadmin:x:1000:
""",
    "rocky94": """root:x:0:
bin:x:1:
daemon:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mem:x:8:
kmem:x:9:
wheel:x:10:admin
cdrom:x:11:
mail:x:12:
man:x:15:
dialout:x:18:
floppy:x:19:
games:x:20:
tape:x:33:
video:x:39:
ftp:x:50:
lock:x:54:
audio:x:63:
users:x:100:
nobody:x:65534:
systemd-journal:x:190:
systemd-coredump:x:997:
dbus:x:81:
tss:x:59:
input:x:999:
kvm:x:36:
render:x:998:
sssd:x:995:
chrony:x:994:
ssh_keys:x:101:
sshd:x:74:
admin:x:1000:
""",
    "sles155": """root:x:0:
bin:x:1:daemon
daemon:x:2:
audio:x:492:
disk:x:493:
kmem:x:491:
lp:x:491:
mail:x:494:
man:x:62:
messagebus:x:499:
news:x:13:
nobody:x:65533:
nogroup:x:65534:nobody
polkitd:x:492:
chrony:x:490:
sshd:x:493:
systemd-journal:x:488:
systemd-network:x:486:
systemd-timesync:x:485:
trusted:x:42:
tty:x:5:
users:x:100:
wheel:x:497:rkeadmin
etcd:x:471:
""",
    "debian12": """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:opsadmin
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
cdrom:x:24:opsadmin
floppy:x:25:
sudo:x:27:opsadmin
audio:x:29:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
plugdev:x:46:opsadmin
staff:x:50:
users:x:100:
nogroup:x:65534:
systemd-journal:x:999:
systemd-network:x:998:
systemd-timesync:x:997:
input:x:996:
kvm:x:994:
render:x:993:
crontab:x:992:
netdev:x:106:
messagebus:x:107:
_ssh:x:108:
opsadmin:x:1000:
""",
}


def base_os(node, osname, hostname, fqdn, ip, machine_id, kernel, merged_usr=True):
    """Identity files every node has. /etc/os-release is the usual relative symlink."""
    node.write("usr/lib/os-release", OS_RELEASE[osname])
    node.symlink("etc/os-release", "../usr/lib/os-release")
    node.write("etc/hostname", hostname + "\n")
    node.write("etc/hosts", "127.0.0.1\tlocalhost\n%s\t%s %s\n\n"
               "# The following lines are desirable for IPv6 capable hosts\n"
               "::1\tlocalhost ip6-localhost ip6-loopback\n"
               "ff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n" % (ip, fqdn, hostname))
    node.write("etc/machine-id", machine_id + "\n", mode=0o444)
    node.write("etc/passwd", PASSWD[osname])
    node.write("etc/group", GROUP[osname])
    node.write("proc/sys/kernel/hostname", hostname + "\n")
    node.write("proc/sys/kernel/osrelease", kernel + "\n", mode=0o444)
    if merged_usr:
        node.symlink("lib", "usr/lib")
        node.symlink("bin", "usr/bin")
        node.symlink("sbin", "usr/sbin")
    node.dir("proc", mode=0o555)
    node.dir("proc/sys", mode=0o555)
    node.dir("proc/sys/kernel", mode=0o555)
    node.dir("proc/net", mode=0o555)
    node.dir("root", mode=0o700)
    node.dir("etc/ssl", mode=0o755)
    node.dir("etc/ssl/certs", mode=0o755)
    node.dir("tmp", mode=0o1777)


SSHD_LISTENER = "sshd: /usr/sbin/sshd -D [listener] 0 of 10-100 startups"

UNIT_SSH_DEBIAN = """[Unit]
Description=OpenBSD Secure Shell server
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target auditd.service
ConditionPathExists=!/etc/ssh/sshd_not_to_be_run

[Service]
EnvironmentFile=-/etc/default/ssh
ExecStartPre=/usr/sbin/sshd -t
ExecStart=/usr/sbin/sshd -D $SSHD_OPTS
ExecReload=/usr/sbin/sshd -t
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartPreventExitStatus=255
Type=notify
RuntimeDirectory=sshd
RuntimeDirectoryMode=0755

[Install]
WantedBy=multi-user.target
Alias=sshd.service
"""

UNIT_SSHD_RHEL = """[Unit]
Description=OpenSSH server daemon
Documentation=man:sshd(8) man:sshd_config(5)
After=network.target sshd-keygen.target
Wants=sshd-keygen.target

[Service]
Type=notify
EnvironmentFile=-/etc/sysconfig/sshd
ExecStart=/usr/sbin/sshd -D $OPTIONS
ExecReload=/bin/kill -HUP $MAINPID
KillMode=process
Restart=on-failure
RestartSec=42s

[Install]
WantedBy=multi-user.target
"""

UNIT_KUBELET = """[Unit]
Description=kubelet: The Kubernetes Node Agent
Documentation=https://kubernetes.io/docs/
Wants=network-online.target
After=network-online.target

[Service]
ExecStart=/usr/bin/kubelet
Restart=always
StartLimitInterval=0
RestartSec=10

[Install]
WantedBy=multi-user.target
"""

DROPIN_10_KUBEADM = """# Note: This dropin only works with kubeadm and kubelet v1.11+
[Service]
Environment="KUBELET_KUBECONFIG_ARGS=--bootstrap-kubeconfig=/etc/kubernetes/bootstrap-kubelet.conf --kubeconfig=/etc/kubernetes/kubelet.conf"
Environment="KUBELET_CONFIG_ARGS=--config=/var/lib/kubelet/config.yaml"
# This is a file that "kubeadm init" and "kubeadm join" generates at runtime, populating the KUBELET_KUBEADM_ARGS variable dynamically
EnvironmentFile=-/var/lib/kubelet/kubeadm-flags.env
# This is a file that the user can use for overrides of the kubelet args as a last resort. Preferably, the user should use
# the .NodeRegistration.KubeletExtraArgs object in the configuration files instead. KUBELET_EXTRA_ARGS should be sourced from this file.
EnvironmentFile=-%s
ExecStart=
ExecStart=/usr/bin/kubelet $KUBELET_KUBECONFIG_ARGS $KUBELET_CONFIG_ARGS $KUBELET_KUBEADM_ARGS $KUBELET_EXTRA_ARGS
"""

UNIT_CONTAINERD = """# Copyright The containerd Authors.
#
# Licensed under the Apache License, Version 2.0 (the "License");
# you may not use this file except in compliance with the License.
# You may obtain a copy of the License at
#
#     http://www.apache.org/licenses/LICENSE-2.0
#
# Unless required by applicable law or agreed to in writing, software
# distributed under the License is distributed on an "AS IS" BASIS,
# WITHOUT WARRANTIES OR CONDITIONS OF ANY KIND, either express or implied.
# See the License for the specific language governing permissions and
# limitations under the License.

[Unit]
Description=containerd container runtime
Documentation=https://containerd.io
After=network.target local-fs.target

[Service]
ExecStartPre=-/sbin/modprobe overlay
ExecStart=/usr/bin/containerd

Type=notify
Delegate=yes
KillMode=process
Restart=always
RestartSec=5

# Having non-zero Limit*s causes performance problems due to accounting overhead
# in the kernel. We recommend using cgroups to do container-local accounting.
LimitNPROC=infinity
LimitCORE=infinity

# Comment TasksMax if your systemd version does not supports it.
# Only systemd 226 and above support this version.
TasksMax=infinity
OOMScoreAdjust=-999

[Install]
WantedBy=multi-user.target
"""


def kubectl_placeholder(version, commit, build_date, go):
    major, minor = version.lstrip("v").split(".")[:2]
    return """#!/bin/sh
# kstig sample placeholder for the kubectl binary (the real one is a ~50 MB Go binary).
# It only answers the version queries a collector may run; anything else fails.
case "$*" in
  *version*)
    cat <<'EOF'
{
  "clientVersion": {
    "major": "%s",
    "minor": "%s",
    "gitVersion": "%s",
    "gitCommit": "%s",
    "gitTreeState": "clean",
    "buildDate": "%s",
    "goVersion": "%s",
    "compiler": "gc",
    "platform": "linux/amd64"
  },
  "kustomizeVersion": "v5.0.4-0.20230601165947-6ce0bf390ce3"
}
EOF
    ;;
  *)
    echo "kubectl (kstig sample placeholder): only 'version' is implemented" >&2
    exit 1
    ;;
esac
""" % (major, minor, version, commit, build_date, go)
