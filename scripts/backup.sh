#!/usr/bin/env bash
# Backs up or restores Vigil's database, SQLite or PostgreSQL, as DATABASE_URL names it (the
# default SQLite file data/vigil.db when unset).
#   scripts/backup.sh backup FILE    a consistent copy while Vigil runs (SQLite: VACUUM INTO
#                                    through the vigil binary, the telemetry file's copy beside
#                                    FILE: x.db → x-telemetry.db; PostgreSQL: pg_dump, custom format)
#   scripts/backup.sh restore FILE   replaces the database with FILE; stop every node first
#                                    (SQLite: the files are copied into place; PostgreSQL:
#                                    pg_restore --clean in one transaction)
# VIGIL_BIN names the vigil binary (default: target/release/vigil, else target/debug/vigil).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
die() { echo "backup.sh: $*" >&2; exit 1; }

action="${1:-}"
file="${2:-}"
[ -n "$action" ] && [ -n "$file" ] || die "usage: scripts/backup.sh backup|restore FILE"
url="${DATABASE_URL:-sqlite://${VIGIL_DATA_DIR:-data}/vigil.db?mode=rwc}"

case "$url" in
  sqlite:*)
    # sqlite://path?options → path
    path="${url#sqlite:}"
    path="${path#//}"
    path="${path%%\?*}"
    # Telemetry lives in a file of its own beside the database (vigil.db → vigil-telemetry.db),
    # and a backup's beside the backup, named alike.
    telemetry_beside() { case "$1" in *.db) echo "${1%.db}-telemetry.db" ;; *) echo "$1-telemetry" ;; esac; }
    path_telemetry="$(telemetry_beside "$path")"
    case "$action" in
      backup)
        bin="${VIGIL_BIN:-}"
        if [ -z "$bin" ]; then
          for candidate in "$root/target/release/vigil" "$root/target/debug/vigil"; do
            [ -x "$candidate" ] && bin="$candidate" && break
          done
        fi
        [ -n "$bin" ] || die "no vigil binary: build it (scripts/run.sh) or set VIGIL_BIN"
        [ -f "$path" ] || die "no database at $path"
        DATABASE_URL="$url" "$bin" backup "$file"
        ;;
      restore)
        [ -s "$file" ] || die "no backup at $file"
        head -c 16 "$file" | grep -q "SQLite format 3" || die "$file is not a SQLite database"
        file_telemetry="$(telemetry_beside "$file")"
        if [ -e "$file_telemetry" ]; then
          head -c 16 "$file_telemetry" | grep -q "SQLite format 3" \
            || die "$file_telemetry is not a SQLite database"
        else
          # A backup from before telemetry had its own file holds its events itself (Vigil
          # moves them when it starts); otherwise the attempts come back without telemetry.
          echo "backup.sh: no $file_telemetry beside the backup: restoring without a telemetry file" >&2
        fi
        mkdir -p "$(dirname "$path")"
        # The old write-ahead logs belong to the old database: they must not be replayed on top.
        rm -f "$path-wal" "$path-shm" "$path_telemetry-wal" "$path_telemetry-shm" "$path_telemetry"
        if [ -e "$file_telemetry" ]; then
          cp "$file_telemetry" "$path_telemetry.restoring"
          mv "$path_telemetry.restoring" "$path_telemetry"
        fi
        cp "$file" "$path.restoring"
        mv "$path.restoring" "$path"
        ;;
      *) die "unknown action $action: use backup or restore" ;;
    esac
    ;;
  postgres:*|postgresql:*)
    command -v pg_dump >/dev/null || die "pg_dump and pg_restore are needed (Debian: apt-get install postgresql-client)"
    case "$action" in
      backup)
        [ ! -e "$file" ] || die "$file exists already; choose a new file, so no backup is overwritten"
        pg_dump --format=custom --no-owner --file="$file" --dbname="$url"
        ;;
      restore)
        [ -s "$file" ] || die "no backup at $file"
        pg_restore --clean --if-exists --no-owner --single-transaction --exit-on-error --dbname="$url" "$file"
        ;;
      *) die "unknown action $action: use backup or restore" ;;
    esac
    ;;
  *) die "DATABASE_URL must start with sqlite: or postgres:" ;;
esac
echo "backup.sh: $action done ($file)"
