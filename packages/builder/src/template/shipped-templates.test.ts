import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lintTemplateFiles } from './lint-template-files.js';
import { loadTemplateSet } from './load-template-set.js';
import { renderCampaign } from './render-campaign.js';

// Issue 4 acceptance: every shipped template renders with its sample data (HTML and text snapshots
// committed in __snapshots__/shipped/) and lints clean — no errors, no warnings.

const ROOT = join(import.meta.dirname, '../../../..');
const DIR = join(ROOT, 'templates');
const set = await loadTemplateSet(DIR);

describe('shipped templates', () => {
  it('cover the trucking and healthcare starting set, each with sample data', () => {
    expect([...set.templates.keys()].sort()).toEqual([
      'healthcare/clia-renewal',
      'healthcare/medicare-revalidation',
      'healthcare/npi-reactivation',
      'trucking/deficiency-order',
      'trucking/ifta-quarterly',
      'trucking/mcs150-biennial',
      'trucking/new-carrier-startup',
      'trucking/ucr-annual',
    ]);
    expect([...set.samples.keys()].sort()).toEqual([...set.templates.keys()].sort());
    expect(set.problems).toEqual([]);
  });

  it('lint clean', async () => {
    const { files, findings } = await lintTemplateFiles([DIR], { templatesDir: DIR, cwd: ROOT });
    expect(files.length).toBe(set.templates.size + set.partials.size);
    expect(findings).toEqual([]);
  });

  it.each([...set.templates.keys()])('%s renders (snapshots), with every CTA done right', async (name) => {
    const campaign = renderCampaign(set, name, set.samples.get(name) ?? {});
    expect(campaign.findings).toEqual([]);
    await expect(campaign.html).toMatchFileSnapshot(`__snapshots__/shipped/${name}.html`);
    await expect(`Subject: ${campaign.subject}\n\n${campaign.altbody}`).toMatchFileSnapshot(
      `__snapshots__/shipped/${name}.txt`,
    );
    // The per-subscriber order link is direct (never @TrackLink) and comes from lp_link, which
    // already carries ?dot= / ?npi=, so the static part continues the query with &.
    expect(campaign.html).toContain('href="{{ .Subscriber.Attribs.lp_link | Safe }}&amp;utm_source=listmonk');
    expect(campaign.altbody).toContain('({{ .Subscriber.Attribs.lp_link | Safe }}&utm_source=listmonk');
    expect(campaign.html).not.toMatch(/Subscriber[^"]*@TrackLink/);
    // CAN-SPAM: an unsubscribe link and a postal address in every body and text part.
    for (const part of [campaign.html, campaign.altbody]) {
      expect(part).toContain('{{ UnsubscribeURL }}');
      expect(part).toMatch(/Denver, CO 80202/);
    }
  });
});
