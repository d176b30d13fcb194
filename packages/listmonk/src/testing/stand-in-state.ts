import { randomUUID } from 'node:crypto';

/** A list as the stand-in stores it. */
export interface StoredList {
  id: number;
  uuid: string;
  name: string;
  type: 'public' | 'private' | 'temporary';
  optin: 'single' | 'double';
  tags: string[];
  description: string;
  createdAt: Date;
  updatedAt: Date;
}

/** A subscriber with its list memberships. */
export interface StoredSubscriber {
  id: number;
  uuid: string;
  email: string;
  name: string;
  status: 'enabled' | 'disabled' | 'blocklisted';
  attribs: Record<string, unknown>;
  lists: Map<number, 'unconfirmed' | 'confirmed' | 'unsubscribed'>;
  createdAt: Date;
  updatedAt: Date;
}

/** A campaign. `sendAt` is kept as the instant; Listmonk answers it in RFC 3339. */
export interface StoredCampaign {
  id: number;
  uuid: string;
  name: string;
  subject: string;
  fromEmail: string;
  body: string;
  altbody: string | null;
  sendAt: Date | null;
  status: 'draft' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'finished';
  contentType: string;
  type: 'regular' | 'optin';
  tags: string[];
  headers: Array<Record<string, string>>;
  templateId: number | null;
  messenger: string;
  listIds: number[];
  media: number[];
  archive: boolean;
  archiveTemplateId: number | null;
  archiveMeta: Record<string, unknown>;
  archiveSlug: string | null;
  attribs: Record<string, unknown>;
  toSend: number;
  sent: number;
  views: number;
  clicks: number;
  bounces: number;
  startedAt: Date | null;
  /** When it became due or was set running (ms): the manager picks it up one scan later. */
  queuedAt: number | null;
  /** The manager's send position (ms) since it picked the campaign up; null until then. */
  sendClock: number | null;
  /** The last subscriber id processed (Listmonk's `last_subscriber_id`). */
  lastSubscriberId: number;
  createdAt: Date;
  updatedAt: Date;
}

/** A message the campaign manager sent (rendered for one subscriber). */
export interface SentMessage {
  campaignId: number;
  subscriberId: number;
  to: string;
  subject: string;
  html: string;
  /** The rendered altbody; null when the campaign has none (then the mail is single-part HTML). */
  text: string | null;
}

/** A message the manager skipped because it failed to render (Listmonk logs and goes on). */
export interface SkippedMessage {
  campaignId: number;
  subscriberId: number;
  error: string;
}

/** A template. */
export interface StoredTemplate {
  id: number;
  name: string;
  type: 'campaign' | 'campaign_visual' | 'tx';
  subject: string;
  body: string;
  isDefault: boolean;
  createdAt: Date;
  updatedAt: Date;
}

/** A bounce record. */
export interface StoredBounce {
  id: number;
  subscriberId: number;
  campaignId: number | null;
  type: 'soft' | 'hard' | 'complaint';
  source: string;
  meta: Record<string, unknown>;
  createdAt: Date;
}

/** A registered link (Listmonk's `links` table: one row per distinct URL string). */
export interface StoredLink {
  id: number;
  uuid: string;
  url: string;
  createdAt: Date;
}

/** The import state: one import at a time per server. */
export interface ImportState {
  name: string;
  total: number;
  imported: number;
  status: 'none' | 'importing' | 'stopping' | 'finished' | 'failed';
  log: string[];
}

/** Everything the stand-in holds in memory. */
export interface StandInState {
  lists: Map<number, StoredList>;
  subscribers: Map<number, StoredSubscriber>;
  campaigns: Map<number, StoredCampaign>;
  templates: Map<number, StoredTemplate>;
  bounces: Map<number, StoredBounce>;
  links: Map<string, StoredLink>;
  /** Messages sent by running campaigns, in order. */
  messages: SentMessage[];
  /** Messages skipped because they failed to render. */
  skippedMessages: SkippedMessage[];
  /** Settings as stored (what GET /api/settings reads). */
  settings: Record<string, unknown>;
  /** Settings the running app uses (applied at start and after each restart). */
  appliedSettings: Record<string, unknown>;
  needsRestart: boolean;
  /** The sliding window's counter: one per server, shared by all campaigns, lost on restart. */
  window: { start: number; count: number } | null;
  import: ImportState;
  nextId: Record<'list' | 'subscriber' | 'campaign' | 'template' | 'bounce' | 'link', number>;
}

/** Listmonk's default settings (v5 names), with one enabled SMTP server whose password is set. */
export function defaultSettings(): Record<string, unknown> {
  return {
    'app.site_name': 'Mailing list',
    'app.root_url': 'http://localhost:9000',
    'app.logo_url': '',
    'app.favicon_url': '',
    'app.from_email': 'listmonk <noreply@listmonk.yoursite.com>',
    'app.notify_emails': [],
    'app.enable_public_subscription_page': true,
    'app.enable_public_archive': false,
    'app.send_optin_confirmation': true,
    'app.check_updates': false,
    'app.lang': 'en',
    'app.batch_size': 1000,
    'app.concurrency': 10,
    'app.max_send_errors': 1000,
    'app.message_rate': 10,
    'app.message_sliding_window': false,
    'app.message_sliding_window_duration': '1h',
    'app.message_sliding_window_rate': 10000,
    'privacy.individual_tracking': false,
    'privacy.unsubscribe_header': true,
    'privacy.allow_blocklist': true,
    'privacy.allow_export': true,
    'privacy.allow_wipe': true,
    'privacy.exportable': ['profile', 'subscriptions', 'campaign_views', 'link_clicks'],
    'privacy.domain_blocklist': [],
    'upload.provider': 'filesystem',
    'upload.filesystem.upload_path': 'uploads',
    'upload.filesystem.upload_uri': '/uploads',
    'upload.s3.aws_access_key_id': '',
    'upload.s3.aws_secret_access_key': 's3-secret-value',
    smtp: [
      {
        uuid: randomUUID(),
        enabled: true,
        host: 'localhost',
        hello_hostname: '',
        port: 25,
        auth_protocol: 'login',
        username: 'relay',
        password: 'smtp-password-value',
        email_headers: [],
        max_conns: 10,
        max_msg_retries: 2,
        idle_timeout: '15s',
        wait_timeout: '5s',
        tls_type: 'STARTTLS',
        tls_skip_verify: false,
      },
    ],
    messengers: [],
    'bounce.enabled': false,
    'bounce.webhooks_enabled': false,
    'bounce.sendgrid_enabled': false,
    'bounce.sendgrid_key': '',
    'bounce.mailboxes': [],
  };
}

/** A fresh state with the default template, as a new Listmonk install has. */
export function createStandInState(now: Date): StandInState {
  const settings = defaultSettings();
  const state: StandInState = {
    lists: new Map(),
    subscribers: new Map(),
    campaigns: new Map(),
    templates: new Map(),
    bounces: new Map(),
    links: new Map(),
    messages: [],
    skippedMessages: [],
    settings,
    appliedSettings: structuredClone(settings),
    needsRestart: false,
    window: null,
    import: { name: '', total: 0, imported: 0, status: 'none', log: [] },
    nextId: { list: 1, subscriber: 1, campaign: 1, template: 1, bounce: 1, link: 1 },
  };
  state.templates.set(1, {
    id: 1,
    name: 'Default campaign template',
    type: 'campaign',
    subject: '',
    body: '<!doctype html>\n<html><body>\n{{ template "content" . }}\n<p><a href="{{ UnsubscribeURL }}">Unsubscribe</a></p>\n{{ TrackView }}\n</body></html>\n',
    isDefault: true,
    createdAt: now,
    updatedAt: now,
  });
  state.nextId.template = 2;
  return state;
}
