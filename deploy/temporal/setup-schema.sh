#!/bin/sh
# The Temporal schema on PostgreSQL, as toolchain/temporal-cluster.ts sets it up for `npm run stack`:
# create both databases, version tables the first time, then bring the schema to this server
# version from the schemas temporal-sql-tool embeds. Safe to run on every `docker-compose up`.
# Runs in temporalio/admin-tools; SQL_PASSWORD comes from the environment.
set -eu
tool() { temporal-sql-tool --plugin postgres12 --ep "$POSTGRES_SEEDS" -p "${DB_PORT:-5432}" -u "$POSTGRES_USER" "$@"; }
for pair in "${DBNAME:-temporal}:postgresql/v12/temporal" "${VISIBILITY_DBNAME:-temporal_visibility}:postgresql/v12/visibility"; do
  db=${pair%%:*}
  schema=${pair#*:}
  tool --db "$db" create-database 2>/dev/null || echo "database $db exists"
  # setup-schema -v 0.0 creates the version tables; on a database that has them it fails harmlessly.
  tool --db "$db" setup-schema -v 0.0 2>/dev/null || echo "database $db is versioned already"
  tool --db "$db" update-schema --schema-name "$schema"
done
echo 'Temporal schema is up to date'
