import { parseListmonkVersion } from '@mailramp/listmonk';
import { describe, expect, it } from 'vitest';
import { loadTemplateSet } from '../template/load-template-set.js';
import { createTemplateRenderer } from './create-template-renderer.js';

const set = await loadTemplateSet(new URL('../../../../templates', import.meta.url).pathname);
const campaign = {
  vertical: 'trucking',
  segment: 'mcs150',
  template: 'mcs150-biennial',
  data: set.samples.get('trucking/mcs150-biennial') ?? {},
};

describe('createTemplateRenderer', () => {
  it("lints a segment's own subject: an attribute the segment does not guarantee would show <no value>", async () => {
    const renderer = createTemplateRenderer(set);
    const subject = 'Your code {{ .Subscriber.Attribs.coupon }}';
    const bare = await renderer.renderCampaign({ ...campaign, subject });
    expect(bare.lintErrors).toEqual([
      expect.stringMatching(
        /^build\.verticals\.trucking\.segments\.mcs150\.subject:1:11 attribute-may-be-missing: .*<no value>/,
      ),
    ]);
    const guaranteed = await renderer.renderCampaign({
      ...campaign,
      subject,
      attributes: ['dot', 'lp_link', 'coupon'],
    });
    expect(guaranteed.lintErrors).toEqual([]);
  });

  it("lints TrackLink for the build's Listmonk version", async () => {
    const data = { ...campaign, subject: 'x {{ TrackLink .Subscriber.Attribs.lp_link . }}' };
    const v4 = createTemplateRenderer(set, { listmonkVersions: [parseListmonkVersion('v4.1.0')!] });
    const v5 = createTemplateRenderer(set, { listmonkVersions: [parseListmonkVersion('v5.1.0')!] });
    expect((await v4.renderCampaign(data)).lintErrors).toEqual([
      expect.stringContaining('tracklink-extra-dot'),
    ]);
    expect((await v5.renderCampaign(data)).lintErrors).toEqual([]);
  });
});
