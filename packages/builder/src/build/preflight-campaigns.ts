import { planFilingTouch } from '../calendar/plan-filing-touch.js';
import { BuilderError } from '../errors.js';
import type { CampaignRenderer, RenderedCampaign } from '../push/listmonk-port.js';
import { planCampaignData } from '../push/plan-campaign-data.js';
import type { SegmentDefinition } from '../segments/default-segments.js';
import { type BuildPlan, campaignAttributesOf } from './plan-build.js';
import type { BuildRules } from './resolve-build-rules.js';

// A template may read filed_link only inside {{ if .Subscriber.Attribs.filed_link }} … {{ end }}.
const FILED_LINK = /\.Subscriber\.Attribs\.filed_link\b/;
const FILED_LINK_GUARD = /\{\{-?\s*(?:if|with)\s+\.Subscriber\.Attribs\.filed_link\s*-?\}\}/;

/**
 * Why a rendered campaign would carry a dead link, or undefined: its body reads the per-recipient
 * `filed_link`, which only a configured `filedLinkSecret` provides, without a guard around it.
 */
export function filedLinkProblem(
  rules: Pick<BuildRules, 'vertical' | 'filedLinkSecret'>,
  campaign: { name: string; template: string },
  rendered: Pick<RenderedCampaign, 'body'>,
): string | undefined {
  if (rules.filedLinkSecret !== undefined) return undefined;
  if (!FILED_LINK.test(rendered.body) || FILED_LINK_GUARD.test(rendered.body)) return undefined;
  return `${campaign.name} (${campaign.template}): the template links to filed_link, which no recipient gets without build.verticals.${rules.vertical}.filedLinkSecret: set that key, or guard the link with {{ if .Subscriber.Attribs.filed_link }} … {{ end }}`;
}

/**
 * Renders one segment's campaign content for a build date, as the live push sends it (a segment's
 * campaigns differ only by zone): the one call the dry run and the push share, so they cannot drift.
 */
export function renderSegmentContent(
  rules: BuildRules,
  segment: SegmentDefinition,
  date: string,
  renderer: CampaignRenderer,
): Promise<RenderedCampaign> {
  const touch =
    segment.rule.kind === 'filing_cycle'
      ? planFilingTouch(date, segment.rule.calendar, segment.rule.touchBusinessDays)
      : undefined;
  return renderer.renderCampaign({
    vertical: rules.vertical,
    segment: segment.id,
    template: segment.template,
    subject: segment.subject,
    listmonkTemplate: rules.listmonkTemplate,
    attributes: campaignAttributesOf(rules, segment),
    data: planCampaignData(segment, { date, touch }, rules.templateData),
  });
}

/**
 * Renders and lints every campaign of a plan as the live build would, without writing anything or
 * touching Listmonk: the problems a live run would stop on (a lint error, a build-time value the
 * configuration does not provide, a link no recipient can get), each naming what to fix. Empty when
 * the live run can push every campaign.
 *
 * @example
 * const problems = await preflightCampaigns(rules, plan, createTemplateRenderer(templates));
 */
export async function preflightCampaigns(
  rules: BuildRules,
  plan: Pick<BuildPlan, 'date' | 'campaigns'>,
  renderer: CampaignRenderer,
): Promise<string[]> {
  const segments = new Map<string, SegmentDefinition>(rules.segments.map((s) => [s.id, s]));
  const problems: string[] = [];
  const done = new Set<string>();
  for (const campaign of plan.campaigns) {
    const segment = segments.get(campaign.segment);
    // Campaigns of one segment render the same (zones differ only in send time).
    if (segment === undefined || done.has(segment.id)) continue;
    done.add(segment.id);
    let rendered: RenderedCampaign;
    try {
      rendered = await renderSegmentContent(rules, segment, plan.date, renderer);
    } catch (error) {
      if (!(error instanceof BuilderError)) throw error;
      problems.push(`${campaign.name} (${segment.template}): ${error.message}`);
      continue;
    }
    for (const e of rendered.lintErrors) problems.push(`${campaign.name} (${segment.template}): ${e}`);
    const dead = filedLinkProblem(rules, { name: campaign.name, template: segment.template }, rendered);
    if (dead !== undefined) problems.push(dead);
  }
  return problems;
}
