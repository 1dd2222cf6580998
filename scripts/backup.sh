#!/usr/bin/env bash
# Backs up the service's data: the database (pg_dump, custom format) and the files (the bucket, or the
# local files directory), into DEST. Reads the service's own settings: LMS_DATABASE_URL, LMS_STORAGE_URL,
# LMS_S3_ENDPOINT_URL, LMS_S3_REGION (and the AWS_* credentials boto3 reads).
#
#   LMS_DATABASE_URL=postgresql://lms:...@db/lms LMS_STORAGE_URL=s3://lms-files scripts/backup.sh /backups/$(date +%F)
#
# Every tenant's rows are dumped: the tables force row-level security, so the dump runs with
# `app.all_tenants = on` (the policies' own escape for jobs across tenants) and --enable-row-security;
# a role with BYPASSRLS may instead set LMS_BACKUP_BYPASS_RLS=1. Restore with scripts/restore.sh
# (docs/operations.md). The dump is a consistent snapshot; files uploaded while it runs may or may not
# be in the copy, and files of rows created after the snapshot are harmless extras.
set -euo pipefail
dest=${1:?usage: scripts/backup.sh DEST_DIR}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
: "${LMS_DATABASE_URL:?set LMS_DATABASE_URL (postgresql://...)}"
: "${LMS_STORAGE_URL:?set LMS_STORAGE_URL (s3://bucket[/prefix] or file:///path)}"
case "$LMS_DATABASE_URL" in
  postgres://*|postgresql://*|postgresql+psycopg://*) ;;
  *) echo "backup.sh: LMS_DATABASE_URL is not PostgreSQL (embedded SQLite: copy the data dir while stopped)" >&2; exit 2 ;;
esac
db_url=${LMS_DATABASE_URL/postgresql+psycopg:/postgresql:}
mkdir -p "$dest/files"

if [ "${LMS_BACKUP_BYPASS_RLS:-}" = 1 ]; then
  pg_dump --format=custom --no-owner --no-privileges --file="$dest/database.dump" --dbname="$db_url"
else
  PGOPTIONS="${PGOPTIONS:-} -c app.all_tenants=on" \
    pg_dump --format=custom --no-owner --no-privileges --enable-row-security \
      --file="$dest/database.dump" --dbname="$db_url"
fi

case "$LMS_STORAGE_URL" in
  s3://*) "$python" "$here/bucket.py" pull "$LMS_STORAGE_URL" "$dest/files" ;;
  file://*) if [ -d "${LMS_STORAGE_URL#file://}" ]; then cp -a "${LMS_STORAGE_URL#file://}/." "$dest/files/"; fi ;;
  *) echo "backup.sh: unsupported LMS_STORAGE_URL $LMS_STORAGE_URL" >&2; exit 2 ;;
esac
pg_restore --list "$dest/database.dump" > "$dest/database.list"  # also proves the dump is readable
echo "backup.sh: $(grep -c 'TABLE DATA' "$dest/database.list") tables, $(find "$dest/files" -type f | wc -l) files in $dest"
