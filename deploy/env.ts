/**
 * The environment of the worker and API services, in one place: `npm run stack` and the
 * production tests start the processes with exactly these variables, and a unit test checks that
 * docker-compose.yml gives its worker and api services the same names (deploy.test.ts). Values
 * differ only in where things are (loopback ports here, service names in compose).
 */

export interface SharedEnv {
  temporalAddress: string;
  taskQueue: string;
  databaseUrl: string;
  plansDir: string;
}

export interface WorkerEnv extends SharedEnv {
  httpPort: number;
  smtpHost: string;
  smtpPort: number;
  officeName: string;
  mailFrom: string;
  workflowBundle: string;
}

export interface ApiEnv extends SharedEnv {
  port: number;
  campaignId: string;
  s3: { endpoint: string; bucket: string; accessKeyId: string; secretAccessKey: string };
}

const shared = (o: SharedEnv) => ({
  TEMPORAL_ADDRESS: o.temporalAddress,
  TEMPORAL_NAMESPACE: 'default',
  CAMPAIGN_TASK_QUEUE: o.taskQueue,
  DATABASE_URL: o.databaseUrl,
  CAMPAIGN_PLANS_DIR: o.plansDir,
});

export function workerEnvironment(o: WorkerEnv): Record<string, string> {
  return {
    ...shared(o),
    WORKER_HTTP_HOST: '127.0.0.1',
    WORKER_HTTP_PORT: String(o.httpPort),
    WORKER_WORKFLOW_BUNDLE: o.workflowBundle,
    WORKER_SHUTDOWN_GRACE_SECONDS: '30',
    SMTP_HOST: o.smtpHost,
    SMTP_PORT: String(o.smtpPort),
    // The trial relay is plain SMTP on a private network; a real relay uses 587 with STARTTLS.
    SMTP_SECURE: 'false',
    SMTP_REQUIRE_TLS: 'false',
    NOTIFY_OFFICE_NAME: o.officeName,
    NOTIFY_MAIL_FROM: o.mailFrom,
  };
}

export function apiEnvironment(o: ApiEnv): Record<string, string> {
  return {
    ...shared(o),
    API_HOST: '127.0.0.1',
    API_PORT: String(o.port),
    CAMPAIGN_ID: o.campaignId,
    API_RATE_LIMIT_PER_MINUTE: '3000',
    UPLOAD_S3_ENDPOINT: o.s3.endpoint,
    UPLOAD_S3_BUCKET: o.s3.bucket,
    UPLOAD_S3_REGION: 'us-east-1',
    UPLOAD_S3_ACCESS_KEY_ID: o.s3.accessKeyId,
    UPLOAD_S3_SECRET_ACCESS_KEY: o.s3.secretAccessKey,
    UPLOAD_S3_FORCE_PATH_STYLE: 'true',
  };
}

/** The variable names each compose service must set (values come from the compose file and its env files). */
export const SERVICE_VARIABLES = {
  worker: Object.keys(
    workerEnvironment({
      temporalAddress: '',
      taskQueue: '',
      databaseUrl: '',
      plansDir: '',
      httpPort: 0,
      smtpHost: '',
      smtpPort: 0,
      officeName: '',
      mailFrom: '',
      workflowBundle: '',
    }),
  ),
  api: Object.keys(
    apiEnvironment({
      temporalAddress: '',
      taskQueue: '',
      databaseUrl: '',
      plansDir: '',
      port: 0,
      campaignId: '',
      s3: { endpoint: '', bucket: '', accessKeyId: '', secretAccessKey: '' },
    }),
  ),
};
