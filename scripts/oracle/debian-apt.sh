# Sourced by fetch-quadlet.sh and fetch-podman-tests.sh: a private apt state folder for one Debian suite,
# pointed at the mirror this machine's apt already uses (deb822 or one-line sources). Nothing is installed.
# Needs $cache (the folder) and $suite; sets apt_opts for apt-get and runs `apt-get update` there.
# With $1 = src, the sources list also has the suite's deb-src line (for `apt-get source`).
debian_apt_setup() {
  mkdir -p "$cache/apt/lists/partial" "$cache/apt/archives/partial"
  local mirror
  mirror=$(awk '/^URIs:/{print $2; exit}' /etc/apt/sources.list.d/*.sources 2>/dev/null || true)
  if [ -z "$mirror" ]; then
    mirror=$(awk '$1=="deb"{for(i=2;i<=NF;i++) if ($i ~ /^[a-z]+:\/\//) {print $i; exit}}' /etc/apt/sources.list 2>/dev/null || true)
  fi
  [ -n "$mirror" ] || { echo "$(basename "$0"): no Debian mirror found in this machine's apt sources" >&2; exit 1; }
  echo "deb $mirror $suite main" > "$cache/apt/sources.list"
  if [ "${1:-}" = src ]; then echo "deb-src $mirror $suite main" >> "$cache/apt/sources.list"; fi
  apt_opts=(-o "Dir::Etc::SourceList=$cache/apt/sources.list" -o "Dir::Etc::SourceParts=/dev/null"
    -o "Dir::State::Lists=$cache/apt/lists" -o "Dir::Cache::Archives=$cache/apt/archives"
    -o "Dir::State::Status=/dev/null" -o "APT::Get::List-Cleanup=0" -o "Debug::NoLocking=1" -qq)
  # Lists fetched in the last day are reused (a suite whose files the mirror does not serve is asked again
  # on every run, without a new update each time).
  if [ -z "$(find "$cache/apt/lists" -maxdepth 1 -name '*InRelease' -mmin -1440 2>/dev/null)" ] ||
    { [ "${1:-}" = src ] && [ -z "$(find "$cache/apt/lists" -maxdepth 1 -name '*Sources*' 2>/dev/null)" ]; }; then
    apt-get "${apt_opts[@]}" update >&2
  fi
}
