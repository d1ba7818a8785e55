#!/usr/bin/env bash
# Installs the Debian packages the connector test servers need (see
# apps/connectors/test/servers/): OpenSSH's sshd for SFTP, vsftpd for FTP/FTPS,
# openssl for the FTPS certificate, passwd for the test accounts. The S3
# (s3rver), Azure (azurite) and WebDAV (webdav-server) servers are npm
# packages from package.json. Idempotent: installs only what is missing and
# runs `apt-get update` only when a package cannot be found.
set -euo pipefail

packages=(openssh-server openssh-client vsftpd openssl passwd)

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    echo "install-test-servers: need root (or sudo) to install: ${missing[*]}" >&2; exit 1
  fi
}

apt_get() {
  # One apt at a time on a shared machine.
  if command -v flock >/dev/null; then as_root flock /tmp/apt.lock apt-get "$@"; else as_root apt-get "$@"; fi
}

missing=()
for pkg in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed'; then
    missing+=("$pkg")
  fi
done

if [ "${#missing[@]}" -eq 0 ]; then
  echo "install-test-servers: all present (${packages[*]})"
  exit 0
fi

echo "install-test-servers: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! apt_get install -y --no-install-recommends "${missing[@]}"; then
  apt_get update
  apt_get install -y --no-install-recommends "${missing[@]}"
fi

# sshd wants its privilege-separation folder; vsftpd its empty chroot.
as_root mkdir -p /run/sshd /var/run/vsftpd/empty
echo "install-test-servers: done"
