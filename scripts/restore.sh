#!/usr/bin/env bash
# Restore a backup made by scripts/backup.sh into a NEW database and an empty file root.
#   restore.sh BACKUP_FOLDER TARGET_DATABASE_URL TARGET_FILE_ROOT
# Refuses to touch an existing database or a non-empty file root: a restore never overwrites.
set -euo pipefail

if [ $# -ne 3 ]; then
  echo "usage: $0 BACKUP_FOLDER TARGET_DATABASE_URL TARGET_FILE_ROOT" >&2
  exit 2
fi
backup=$1 target=$2 files=$3
for part in database.dump private-files.tar.gz SHA256SUMS; do
  [ -f "$backup/$part" ] || { echo "restore: $backup/$part is missing" >&2; exit 2; }
done
(cd "$backup" && sha256sum --check --quiet SHA256SUMS) || { echo "restore: the backup's checksums do not match" >&2; exit 2; }

case "$target" in
  postgres://* | postgresql://*) ;;
  *) echo "restore: TARGET_DATABASE_URL must be a postgres:// address" >&2; exit 2 ;;
esac
base=${target%%\?*}
name=${base##*/}
server=${base%/*}/postgres
if ! [[ "$name" =~ ^[A-Za-z_][A-Za-z0-9_]{0,62}$ ]]; then
  echo "restore: '$name' is not a plain database name" >&2
  exit 2
fi
if [ -n "$(ls -A "$files" 2>/dev/null)" ]; then
  echo "restore: the file root $files is not empty" >&2
  exit 2
fi
exists=$(psql "$server" -Atc "SELECT 1 FROM pg_database WHERE datname = '$name'")
if [ "$exists" = 1 ]; then
  echo "restore: the database $name already exists; restore into a new name" >&2
  exit 2
fi

psql "$server" -q -c "CREATE DATABASE \"$name\""
pg_restore --no-owner --no-privileges --exit-on-error --dbname "$target" "$backup/database.dump"
mkdir -p "$files"
tar --extract --gzip --file "$backup/private-files.tar.gz" --directory "$files"
echo "restored $backup into database $name and $files"
