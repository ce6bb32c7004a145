import type { MigrationBuilder } from "node-pg-migrate";

/**
 * Audit partitions maintain themselves (consumer/src/jobs/audit-partitions.ts calls these through
 * lib/partitions.ts; so does the on-call command).
 *
 * attach_audit_month(month) builds the month as a plain table, moves that month's rows out of
 * DEFAULT into it, and attaches it. Creating a partition straight away fails once DEFAULT holds a
 * row of that month ("updated partition constraint for default partition would be violated").
 * DEFAULT is locked (EXCLUSIVE: reads go on, inserts routed to it wait) from the move to the
 * attach, so no row of the month can slip into DEFAULT in between. A CHECK matching the bounds
 * lets ATTACH skip scanning the new table.
 *
 * create_audit_partitions(months_ahead, at) now also empties DEFAULT: every month that has rows
 * there gets its partition first, then the months from `at` to months_ahead ahead. `at` exists so
 * tests can move the clock; production passes nothing. Runners are serialized by an advisory lock.
 *
 * detach_audit_partitions_before(cutoff) detaches (never drops) the months before cutoff and
 * returns their names; the caller archives and drops them, and finds leftovers of a crashed run
 * with audit_detached_partitions() and drops them with drop_detached_audit_partition(name).
 * All run as their owner (SECURITY DEFINER), so a login role needs only EXECUTE, not ownership.
 */
const ADVISORY_KEY = "hashtext('api_audit_logs partition maintenance')";

export async function up(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    CREATE FUNCTION attach_audit_month(month date) RETURNS bigint LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      m date := date_trunc('month', month)::date;
      part text := format('api_audit_logs_%s', to_char(m, 'YYYY_MM'));
      lo timestamptz := m::timestamp AT TIME ZONE 'UTC';
      hi timestamptz := (m + interval '1 month')::timestamp AT TIME ZONE 'UTC';
      moved bigint;
    BEGIN
      IF to_regclass(part) IS NOT NULL THEN RETURN 0; END IF;
      LOCK TABLE api_audit_logs_default IN EXCLUSIVE MODE;
      EXECUTE format('CREATE TABLE %I (LIKE api_audit_logs INCLUDING DEFAULTS)', part);
      EXECUTE format(
        'WITH moved AS (DELETE FROM api_audit_logs_default WHERE created_at >= %L AND created_at < %L RETURNING *)
         INSERT INTO %I SELECT * FROM moved', lo, hi, part);
      GET DIAGNOSTICS moved = ROW_COUNT;
      EXECUTE format('ALTER TABLE %I ADD CONSTRAINT %I CHECK (created_at >= %L AND created_at < %L)',
        part, part || '_bounds', lo, hi);
      EXECUTE format('ALTER TABLE api_audit_logs ATTACH PARTITION %I FOR VALUES FROM (%L) TO (%L)', part, lo, hi);
      EXECUTE format('ALTER TABLE %I DROP CONSTRAINT %I', part, part || '_bounds');
      RETURN moved;
    END $$;

    DROP FUNCTION create_audit_partitions(integer);
    CREATE FUNCTION create_audit_partitions(months_ahead integer DEFAULT 3, at timestamptz DEFAULT now())
    RETURNS integer LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE
      first_month date := date_trunc('month', at AT TIME ZONE 'UTC')::date;
      m date;
      created integer := 0;
    BEGIN
      PERFORM pg_advisory_xact_lock(${ADVISORY_KEY});
      FOR m IN
        SELECT DISTINCT date_trunc('month', created_at AT TIME ZONE 'UTC')::date FROM api_audit_logs_default
        UNION
        SELECT (first_month + make_interval(months => i))::date FROM generate_series(0, months_ahead) AS i
        ORDER BY 1
      LOOP
        IF to_regclass(format('api_audit_logs_%s', to_char(m, 'YYYY_MM'))) IS NULL THEN
          PERFORM attach_audit_month(m);
          created := created + 1;
        END IF;
      END LOOP;
      RETURN created;
    END $$;

    CREATE FUNCTION detach_audit_partitions_before(cutoff date) RETURNS SETOF text LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DECLARE part text;
    BEGIN
      PERFORM pg_advisory_xact_lock(${ADVISORY_KEY});
      FOR part IN
        SELECT c.relname FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
        WHERE i.inhparent = 'api_audit_logs'::regclass
          AND c.relname ~ '^api_audit_logs_[0-9]{4}_[0-9]{2}$'
          AND to_date(right(c.relname, 7), 'YYYY_MM') < cutoff
        ORDER BY 1
      LOOP
        -- Plain DETACH: PostgreSQL refuses CONCURRENTLY while a DEFAULT partition exists.
        EXECUTE format('ALTER TABLE api_audit_logs DETACH PARTITION %I', part);
        RETURN NEXT part;
      END LOOP;
    END $$;

    CREATE FUNCTION audit_detached_partitions() RETURNS SETOF text LANGUAGE sql STABLE AS $$
      SELECT c.relname::text FROM pg_class c
      WHERE c.relkind = 'r' AND c.relnamespace = 'public'::regnamespace
        AND c.relname ~ '^api_audit_logs_[0-9]{4}_[0-9]{2}$'
        AND NOT EXISTS (SELECT 1 FROM pg_inherits i WHERE i.inhrelid = c.oid)
      ORDER BY 1
    $$;

    CREATE FUNCTION drop_detached_audit_partition(part text) RETURNS void LANGUAGE plpgsql
    SECURITY DEFINER SET search_path = public, pg_temp AS $$
    BEGIN
      IF part NOT IN (SELECT audit_detached_partitions()) THEN
        RAISE EXCEPTION 'not a detached audit partition: %', part;
      END IF;
      EXECUTE format('DROP TABLE %I', part);
    END $$;
  `);
}

export async function down(pgm: MigrationBuilder): Promise<void> {
  pgm.sql(`
    DROP FUNCTION drop_detached_audit_partition(text);
    DROP FUNCTION audit_detached_partitions();
    DROP FUNCTION detach_audit_partitions_before(date);
    DROP FUNCTION create_audit_partitions(integer, timestamptz);
    DROP FUNCTION attach_audit_month(date);
    CREATE FUNCTION create_audit_partitions(months_ahead integer DEFAULT 3)
    RETURNS integer LANGUAGE plpgsql AS $$
    DECLARE
      first_month date := date_trunc('month', now() AT TIME ZONE 'UTC')::date;
      m date;
      part text;
      created integer := 0;
    BEGIN
      FOR i IN 0..months_ahead LOOP
        m := (first_month + make_interval(months => i))::date;
        part := format('api_audit_logs_%s', to_char(m, 'YYYY_MM'));
        IF to_regclass(part) IS NULL THEN
          EXECUTE format(
            'CREATE TABLE %I PARTITION OF api_audit_logs FOR VALUES FROM (%L) TO (%L)',
            part, (m::timestamp AT TIME ZONE 'UTC'), ((m + interval '1 month')::timestamp AT TIME ZONE 'UTC'));
          created := created + 1;
        END IF;
      END LOOP;
      RETURN created;
    END $$;
  `);
}
