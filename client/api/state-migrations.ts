/**
 * The API's own state in PostgreSQL (when DATABASE_URL is set): tokens and the campaign directory
 * they are checked against, progress samples, upload records. Component `api` in schema_migration;
 * add a migration at the end, never edit one that has shipped (db/migrate.ts refuses).
 */
import type pg from 'pg';
import { migrate, type Migration } from '../../db/migrate.js';

const API_STATE_MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'tokens, campaign directory, progress samples, upload records',
    statements: [
      // Bumped on every change to a campaign's units, groups or stages: replicas reload on a new version.
      `CREATE TABLE campaign_directory (
        campaign_id TEXT PRIMARY KEY,
        version BIGINT NOT NULL DEFAULT 1,
        stages JSONB NOT NULL DEFAULT '[]'::jsonb,
        updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
      )`,
      `CREATE TABLE campaign_unit_group (
        campaign_id TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        group_id TEXT NOT NULL,
        PRIMARY KEY (campaign_id, unit_id)
      )`,
      `CREATE TABLE api_token (
        hash TEXT PRIMARY KEY,
        campaign_id TEXT NOT NULL,
        role TEXT NOT NULL CHECK (role IN ('office', 'group', 'unit')),
        person_id TEXT NOT NULL,
        name TEXT NOT NULL,
        unit_id TEXT,
        group_id TEXT,
        issued_at TIMESTAMPTZ NOT NULL,
        expires_at TIMESTAMPTZ,
        revoked_at TIMESTAMPTZ,
        revoked_by TEXT,
        revoke_reason TEXT,
        seq BIGSERIAL
      )`,
      `CREATE INDEX api_token_person ON api_token (campaign_id, person_id)`,
      `CREATE TABLE progress_sample (
        campaign_id TEXT NOT NULL,
        at TIMESTAMPTZ NOT NULL,
        sample JSONB NOT NULL,
        PRIMARY KEY (campaign_id, at)
      )`,
      `CREATE TABLE upload_record (
        campaign_id TEXT NOT NULL,
        unit_id TEXT NOT NULL,
        ref TEXT NOT NULL,
        filename TEXT NOT NULL,
        size BIGINT NOT NULL,
        uploaded_by TEXT NOT NULL,
        uploaded_at TIMESTAMPTZ NOT NULL,
        seq BIGSERIAL,
        PRIMARY KEY (campaign_id, unit_id, ref, filename)
      )`,
    ],
  },
];

export const migrateApiState = (pool: pg.Pool) => migrate(pool, 'api', API_STATE_MIGRATIONS);
