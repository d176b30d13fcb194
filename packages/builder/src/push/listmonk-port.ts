import type { ListmonkMember } from './verify-campaign-audience.js';

/** A subscriber as the build imports it: address, name and the attributes templates read. */
export interface ImportSubscriber {
  email: string;
  name: string;
  attribs: Record<string, unknown>;
}

/** A campaign as Listmonk reports it. */
export interface ListmonkCampaignState {
  id: number;
  status: 'draft' | 'scheduled' | 'running' | 'paused' | 'cancelled' | 'finished';
  sendAt: Date | null;
  /** The lists it sends to, when Listmonk said (a reconcile reads the audience from them). */
  listIds?: number[] | undefined;
  /** Subject, body and text part as Listmonk holds them, when Listmonk said. */
  content?: { subject: string; body: string; altbody: string } | undefined;
}

/** What the build creates in Listmonk. */
export interface NewCampaign {
  name: string;
  subject: string;
  listIds: number[];
  fromEmail?: string | undefined;
  body: string;
  altbody: string;
  sendAt: Date;
  tags: string[];
  /** The Listmonk campaign template around the body (mailramp's own: one document per mail). */
  templateId?: number | undefined;
}

/**
 * The Listmonk operations the push needs, by name so a re-run finds what an interrupted run made.
 * `createListmonkPort()` implements it over @mailramp/listmonk's client; errors are thrown as they
 * come (the push records them per campaign).
 */
export interface ListmonkPort {
  findListByName(name: string): Promise<{ id: number } | undefined>;
  /**
   * The lists named exactly one of `names` (the oldest of a name), found by one search for
   * `query`, which every name contains (Listmonk's search matches more: only exact names count).
   */
  findListsByNames(query: string, names: readonly string[]): Promise<Map<string, { id: number }>>;
  /** The list named exactly `name`, created (private, single opt-in, tagged) when absent. */
  createList(name: string, tags: string[]): Promise<{ id: number }>;
  /** Creates a list (private, single opt-in, tagged) without looking: the caller just looked. */
  addList(name: string, tags: string[]): Promise<{ id: number }>;
  /**
   * Bulk-imports (upserts: name and attributes overwritten) subscribers into a list and waits until
   * Listmonk has finished. `imported` is Listmonk's own count, which proves nothing on its own: an
   * import can end `finished` with rows missing.
   */
  importSubscribers(
    listId: number,
    subscribers: readonly ImportSubscriber[],
  ): Promise<{ submitted: number; imported: number }>;
  /** Every subscriber on a list, with status, attributes and their subscription to that list. */
  listMembers(listId: number): Promise<ListmonkMember[]>;
  /** {@link listMembers} of several lists, read at once (one request where Listmonk allows). */
  listMembersOfLists(listIds: readonly number[]): Promise<Map<number, ListmonkMember[]>>;
  /** Subscribes subscribers (by id) to a list, confirmed, in one request. */
  subscribeToList(subscriberIds: readonly number[], listId: number): Promise<void>;
  /** Takes subscribers (by id) off lists in one request. */
  removeFromLists(subscriberIds: readonly number[], listIds: readonly number[]): Promise<void>;
  /** Listmonk's `privacy.domain_blocklist`, or undefined when the settings cannot be read. */
  readDomainBlocklist(): Promise<string[] | undefined>;
  /** The campaign template of that name, created or updated to `body`; returns its id. */
  ensureCampaignTemplate(name: string, body: string): Promise<{ id: number }>;
  /** Listmonk's render of a posted HTML body, around the campaign's template (its preview). */
  previewCampaign(id: number, body: string): Promise<string>;
  /** Listmonk's render of a posted text part, as it renders the altbody. */
  previewCampaignText(id: number, text: string): Promise<string>;
  /** Every campaign named exactly `name` (Listmonk's names are not unique), oldest first. */
  listCampaignsByName(name: string): Promise<ListmonkCampaignState[]>;
  /**
   * {@link listCampaignsByName} for several names, by one search for `query`, which every name
   * contains; a name Listmonk has no campaign of is absent from the map.
   */
  listCampaignsByNames(
    query: string,
    names: readonly string[],
  ): Promise<Map<string, ListmonkCampaignState[]>>;
  /** Deletes a campaign; one already gone is not an error. */
  deleteCampaign(id: number): Promise<void>;
  /** Creates a draft campaign. */
  createCampaign(campaign: NewCampaign): Promise<ListmonkCampaignState>;
  /** Moves a draft's send_at (lists must be re-sent: Listmonk's PUT drops them otherwise). */
  updateCampaignSendAt(id: number, listIds: number[], sendAt: Date): Promise<void>;
  /** Asks for status scheduled and returns the status re-read afterwards. */
  scheduleCampaign(id: number): Promise<ListmonkCampaignState>;
}

/** A rendered campaign: subject, HTML body, text altbody and the lint findings that block a push. */
export interface RenderedCampaign {
  subject: string;
  body: string;
  altbody: string;
  /**
   * The Listmonk campaign template mailramp keeps for the vertical (`templates/listmonk/<name>.html`),
   * created or updated before the campaign; undefined: Listmonk's default template.
   */
  baseTemplate?: { name: string; body: string } | undefined;
  /** Lint errors: a campaign with any is never pushed. */
  lintErrors: string[];
}

/** What a campaign is rendered from. */
export interface CampaignToRender {
  vertical: string;
  segment: string;
  template: string;
  subject?: string | undefined;
  /** The Listmonk campaign template around the body (templates/listmonk/<name>.html). */
  listmonkTemplate?: string | undefined;
  /** Campaign-level build data ({@link planCampaignData}); per-recipient values stay Listmonk tags. */
  data: Record<string, unknown>;
  /** Subscriber attributes every recipient has (`campaignAttributesOf`); default: the vertical's. */
  attributes?: readonly string[] | undefined;
}

/** Renders a campaign's body, altbody and subject and lints them (templates/ + template lint). */
export interface CampaignRenderer {
  renderCampaign(campaign: CampaignToRender): Promise<RenderedCampaign>;
}
