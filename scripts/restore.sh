#!/usr/bin/env bash
# Restores a backup made by scripts/backup.sh into an EMPTY database and the storage named by the
# service's settings (LMS_DATABASE_URL, LMS_STORAGE_URL, LMS_S3_*; AWS_* for boto3):
#
#   createdb -O lms lms_restored
#   LMS_DATABASE_URL=postgresql://lms:...@db/lms_restored LMS_STORAGE_URL=s3://lms-files-restored \
#     scripts/restore.sh /backups/2026-12-06
#
# Run it as the role the service connects as (it becomes the owner of what it creates: --no-owner), then
# `lms migrate` (a no-op unless the code is newer than the backup) and start the service on it.
set -euo pipefail
src=${1:?usage: scripts/restore.sh BACKUP_DIR}
here=$(cd "$(dirname "$0")" && pwd)
python=${PYTHON:-python3}
: "${LMS_DATABASE_URL:?set LMS_DATABASE_URL (postgresql://...) of an empty database}"
: "${LMS_STORAGE_URL:?set LMS_STORAGE_URL (s3://bucket[/prefix] or file:///path)}"
db_url=${LMS_DATABASE_URL/postgresql+psycopg:/postgresql:}
test -f "$src/database.dump" || { echo "restore.sh: no database.dump in $src" >&2; exit 2; }

pg_restore --no-owner --no-privileges --exit-on-error --single-transaction --dbname="$db_url" "$src/database.dump"

case "$LMS_STORAGE_URL" in
  s3://*) "$python" "$here/bucket.py" push "$src/files" "$LMS_STORAGE_URL" ;;
  file://*) mkdir -p "${LMS_STORAGE_URL#file://}" && cp -a "$src/files/." "${LMS_STORAGE_URL#file://}/" ;;
  *) echo "restore.sh: unsupported LMS_STORAGE_URL $LMS_STORAGE_URL" >&2; exit 2 ;;
esac
echo "restore.sh: restored $src"
