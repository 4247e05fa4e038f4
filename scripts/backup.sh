#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and the private document store into a new
# timestamped folder under $BACKUP_DIR (default var/backups). Prints the folder.
#   DATABASE_URL            the PostgreSQL database to dump (required)
#   PRIVATE_STORAGE_ROOT    the document store (default: the Django setting)
set -euo pipefail
cd "$(dirname "$0")/.."
BIN=${VENV:-.venv}/bin

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
  postgres://* | postgresql://*) ;;
  *) echo "backup: only PostgreSQL is backed up by this script (DATABASE_URL is ${DATABASE_URL%%:*})" >&2; exit 2 ;;
esac
root=${PRIVATE_STORAGE_ROOT:-$(DJANGO_SETTINGS_MODULE=${DJANGO_SETTINGS_MODULE:-qfapp.settings} "$BIN/python" -c 'from django.conf import settings; print(settings.PRIVATE_STORAGE_ROOT)')}
mkdir -p "$root"

stamp=$(date -u +%Y%m%dT%H%M%SZ)
dest=${BACKUP_DIR:-var/backups}/$stamp
mkdir -p "$(dirname "$dest")"
mkdir "$dest"  # fails rather than mix two backups taken in the same second

pg_dump --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$DATABASE_URL"
tar --create --gzip --file "$dest/private-files.tar.gz" --directory "$root" .
(cd "$dest" && sha256sum database.dump private-files.tar.gz > SHA256SUMS)
{
  echo "taken_at=$stamp"
  echo "database=${DATABASE_URL##*/}"
  echo "files=$(find "$root" -type f | wc -l)"
} > "$dest/INFO"
echo "$dest"
