#!/bin/sh
# Stands in for Prisma's native schema-engine binary, which cannot be downloaded on the
# build machines: `prisma generate` only checks that the file exists. Commands that need
# the engine (migrate, db push, db pull) stop here. The CLI skips the first stderr line
# and reads the rest as JSON log records, so the message goes out in that shape.
message="ouen: no native Prisma schema engine here. Create migrations with 'npm run migrate:new -- NAME'; core/db applies them on start. To use a real engine, set PRISMA_SCHEMA_ENGINE_BINARY to its path."
echo "schema-engine unavailable" >&2
printf '{"level":"ERROR","target":"ouen","fields":{"message":"%s"}}\n' "$message" >&2
exit 1
