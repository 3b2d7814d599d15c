/**
 * What the service layer works with: the Temporal client (to start workflows, send Updates and list
 * units by their search attributes) and the status read model (to read any unit's status without
 * Querying its workflow). The CLI, the API and the worker's digest activities each build one.
 */
import type { Client } from '@temporalio/client';
import type { StatusStore } from '../activities/status/status-store.js';

export interface CampaignServices {
  client: Client;
  status: StatusStore;
}
