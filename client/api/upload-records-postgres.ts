/** Upload records in PostgreSQL (table upload_record), shared by every API replica. */
import type pg from 'pg';
import type { UploadRecord, UploadRecords } from './upload-records.js';

interface Row {
  campaign_id: string;
  unit_id: string;
  ref: string;
  filename: string;
  size: string;
  uploaded_by: string;
  uploaded_at: Date;
}

export class PostgresUploadRecords implements UploadRecords {
  /** The pool (already migrated) stays the caller's to close. */
  constructor(private readonly pool: pg.Pool) {}

  async record(r: UploadRecord): Promise<boolean> {
    const res = await this.pool.query(
      `INSERT INTO upload_record (campaign_id, unit_id, ref, filename, size, uploaded_by, uploaded_at) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING`,
      [r.campaignId, r.unitId, r.ref, r.filename, r.size, r.uploadedBy, r.uploadedAt],
    );
    return (res.rowCount ?? 0) > 0;
  }

  async list(campaignId: string, unitId: string): Promise<UploadRecord[]> {
    const res = await this.pool.query<Row>(
      'SELECT * FROM upload_record WHERE campaign_id = $1 AND unit_id = $2 ORDER BY seq',
      [campaignId, unitId],
    );
    return res.rows.map((x) => ({
      campaignId: x.campaign_id,
      unitId: x.unit_id,
      ref: x.ref,
      filename: x.filename,
      size: Number(x.size),
      uploadedBy: x.uploaded_by,
      uploadedAt: x.uploaded_at.toISOString(),
    }));
  }

  async close(): Promise<void> {}
}
