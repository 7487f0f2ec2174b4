#!/bin/bash
# WAL written per insert into a table of 1,000,000 rows after a CHECKPOINT: random (version 4) against
# time-ordered (version 7) uuid primary keys, ids made by SQL functions of equal cost. Needs psql, pgbench, bc
# and a PostgreSQL at 127.0.0.1:5432 (user postgres); creates and drops the database walt_uuidx.
# Results of 2026-12-07: docs/bench-results/api-2026-12-07-morning.md, section 4.
# WAL written by inserts into a table with 1M rows: random (v4) vs time-ordered (v7) primary keys
P="psql -h 127.0.0.1 -U postgres -X -q"
$P -d postgres -c "DROP DATABASE IF EXISTS walt_uuidx" -c "CREATE DATABASE walt_uuidx"
$P -d walt_uuidx <<'SQL'
CREATE FUNCTION uuid_v7() RETURNS uuid LANGUAGE sql VOLATILE AS $f$
  SELECT encode(set_byte(set_byte(overlay(uuid_send(gen_random_uuid())
           PLACING substring(int8send((extract(epoch FROM clock_timestamp()) * 1000)::bigint) FROM 3) FROM 1 FOR 6),
           6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 112), 8, (get_byte(uuid_send(gen_random_uuid()), 8) & 63) | 128), 'hex')::uuid
$f$;
CREATE FUNCTION uuid_v4_same_cost() RETURNS uuid LANGUAGE sql VOLATILE AS $f$
  SELECT encode(set_byte(set_byte(overlay(uuid_send(gen_random_uuid())
           PLACING substring(uuid_send(gen_random_uuid()) FROM 1 FOR 6) FROM 1 FOR 6),
           6, (get_byte(uuid_send(gen_random_uuid()), 6) & 15) | 64), 8, (get_byte(uuid_send(gen_random_uuid()), 8) & 63) | 128), 'hex')::uuid
$f$;
CREATE TABLE t4 (id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL);
CREATE TABLE t7 (id uuid PRIMARY KEY, created_at timestamptz NOT NULL DEFAULT now(), payload text NOT NULL);
INSERT INTO t4 (id, payload) SELECT gen_random_uuid(), repeat('x', 200) FROM generate_series(1, 1000000);
INSERT INTO t7 (id, payload) SELECT uuid_v7(), repeat('x', 200) FROM generate_series(1, 1000000);
VACUUM ANALYZE t4; VACUUM ANALYZE t7;
SQL
echo "INSERT INTO t4 (id, payload) VALUES (uuid_v4_same_cost(), repeat('y', 200));" > ${TMPDIR:-/tmp}/walt-uuidx-i4.sql
echo "INSERT INTO t7 (id, payload) VALUES (uuid_v7(), repeat('y', 200));" > ${TMPDIR:-/tmp}/walt-uuidx-i7.sql
for round in 1 2; do
for v in 4 7; do
  $P -d walt_uuidx -c "CHECKPOINT"
  read b0 f0 <<< $($P -d walt_uuidx -Atc "SELECT wal_bytes, wal_fpi FROM pg_stat_wal" | tr '|' ' ')
  out=$(pgbench -h 127.0.0.1 -U postgres -n -c 16 -j 2 -T 20 -f ${TMPDIR:-/tmp}/walt-uuidx-i$v.sql walt_uuidx 2>&1)
  read b1 f1 <<< $($P -d walt_uuidx -Atc "SELECT wal_bytes, wal_fpi FROM pg_stat_wal" | tr '|' ' ')
  n=$(echo "$out" | awk '/number of transactions actually processed/{print $NF}' | cut -d/ -f1)
  tps=$(echo "$out" | awk '/^tps/{print $3}')
  lat=$(echo "$out" | awk '/latency average/{print $4}')
  echo "round $round v$v: inserts=$n tps=$tps latency_avg_ms=$lat WAL_kB/insert=$(echo "scale=2; ($b1-$b0)/1024/$n" | bc) FPI/insert=$(echo "scale=3; ($f1-$f0)/$n" | bc)"
done; done
$P -d walt_uuidx -Atc "SELECT 'v7 sample', id FROM t7 ORDER BY id DESC LIMIT 1"
$P -d postgres -c "DROP DATABASE walt_uuidx"
