# Sourced by scripts/start and scripts/test: makes sure what Maestro needs besides the .NET SDK is installed.
# As root it installs missing Debian packages with apt-get; otherwise it prints the exact command to run.

maestro_missing_packages=()

maestro_need_dotnet() {
  if ! command -v dotnet >/dev/null 2>&1; then
    echo "error: the .NET 10 SDK (dotnet) is not installed; see https://dot.net" >&2
    exit 1
  fi
}

# PostgreSQL server programs (14 or newer), for the embedded database.
maestro_need_postgres() {
  local found=""
  for dir in $(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V -r); do
    if [ -x "$dir/initdb" ] && [ -x "$dir/pg_ctl" ]; then found="$dir"; break; fi
  done
  if [ -z "$found" ] && command -v initdb >/dev/null 2>&1 && command -v pg_ctl >/dev/null 2>&1; then found="path"; fi
  if [ -z "$found" ] && [ -z "${DATABASE_URL:-}" ]; then
    maestro_missing_packages+=(postgresql)
  fi
}

# Node.js and npm fetch the UI's browser packages (htmx) at build time.
maestro_need_node() {
  if ! command -v npm >/dev/null 2>&1 || ! command -v node >/dev/null 2>&1; then
    maestro_missing_packages+=(nodejs npm)
  fi
}

# Chromium for the browser tests (never downloaded by the test tool).
maestro_need_chromium() {
  if [ ! -x /usr/bin/chromium ]; then
    maestro_missing_packages+=(chromium)
  fi
}

# nginx, for the test that runs docs/operations.md's reverse-proxy configuration.
maestro_need_nginx() {
  if [ ! -x /usr/sbin/nginx ]; then
    maestro_missing_packages+=(nginx)
  fi
}

# systemd-analyze, for the test that verifies docs/operations.md's systemd units.
maestro_need_systemd_analyze() {
  if [ ! -x /usr/bin/systemd-analyze ]; then
    maestro_missing_packages+=(systemd)
  fi
}

maestro_install_missing() {
  [ ${#maestro_missing_packages[@]} -eq 0 ] && return 0
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null 2>&1; then
    echo "Installing ${maestro_missing_packages[*]} (apt-get)…" >&2
    export DEBIAN_FRONTEND=noninteractive
    apt-get update -qq >/dev/null
    apt-get install -y -qq --no-install-recommends "${maestro_missing_packages[@]}" >/dev/null
  else
    echo "error: Maestro needs: ${maestro_missing_packages[*]}" >&2
    echo "Install them with:  sudo apt-get install ${maestro_missing_packages[*]}" >&2
    echo "(PostgreSQL is not needed if DATABASE_URL points at an existing server.)" >&2
    exit 1
  fi
}
