-- Privileges of OneTeam's two PostgreSQL roles (docs/operations.md, "Database roles").
--
--   psql --dbname=oneteam -v owner=oneteam_owner -v app=oneteam_app -f scripts/database-roles.sql
--
-- The owner role owns the tables and runs migrations (MIGRATE_DATABASE_URL). The app role is what the
-- server runs as (DATABASE_URL): it reads and writes the tables, except that the audit log it may only
-- add to and read, so a compromised server cannot change, remove or empty audit events. Run as a
-- superuser or the owner, after the first `manage.py migrate`; safe to run again.

GRANT CONNECT ON DATABASE :"DBNAME" TO :"app";
GRANT USAGE ON SCHEMA public TO :"app";
GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO :"app";
GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO :"app";
-- Tables and sequences that later migrations create (as the owner) get the same.
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT SELECT, INSERT, UPDATE, DELETE ON TABLES TO :"app";
ALTER DEFAULT PRIVILEGES FOR ROLE :"owner" IN SCHEMA public
    GRANT USAGE, SELECT ON SEQUENCES TO :"app";
-- The audit log (events and the links that chain them): add and read only. TRUNCATE, REFERENCES and TRIGGER were
-- never granted; revoked to be sure.
REVOKE UPDATE, DELETE, TRUNCATE, REFERENCES, TRIGGER ON access_auditevent, access_auditlink FROM :"app";
