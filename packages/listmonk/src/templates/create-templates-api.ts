import { z } from 'zod';
import type { ClientCore } from '../client/client-core.js';
import { type Template, TemplateSchema } from '../client/schemas.js';
import { ListmonkError } from '../errors.js';
import { CONTENT_PLACEHOLDER, countContentPlaceholders } from './count-content-placeholders.js';

/** What a template is created or updated with. */
export interface TemplateInput {
  name: string;
  body: string;
  /** Default `campaign`. */
  type?: 'campaign' | 'campaign_visual' | 'tx';
  /** tx templates only. */
  subject?: string;
}

/** The template methods of the client. */
export interface TemplatesApi {
  listTemplates(): Promise<Template[]>;
  /** The template named exactly `name` (lowest id among equals), or undefined. */
  findTemplate(name: string): Promise<Template | undefined>;
  /** The template, or NOT_FOUND. */
  getTemplate(id: number): Promise<Template>;
  /** Creates a template; a campaign template must hold `{{ template "content" . }}` exactly once. */
  createTemplate(input: TemplateInput): Promise<Template>;
  /** Updates a template; fields not given are sent back as stored. */
  updateTemplate(id: number, patch: Partial<TemplateInput>): Promise<Template>;
}

/** Creates the template methods. */
export function createTemplatesApi(core: ClientCore): TemplatesApi {
  const listTemplates = async (): Promise<Template[]> => {
    await core.server();
    return core.transport.send({ method: 'GET', path: '/api/templates', schema: z.array(TemplateSchema) });
  };
  const getTemplate = (id: number): Promise<Template> =>
    core.transport.send({
      method: 'GET',
      path: `/api/templates/${id}`,
      schema: TemplateSchema,
      notFoundOn400: true,
    });

  function check(input: TemplateInput): void {
    const count = countContentPlaceholders(input.body);
    if ((input.type ?? 'campaign') === 'campaign' && count !== 1) {
      throw new ListmonkError(
        'REJECTED',
        `template "${input.name}" holds ${CONTENT_PLACEHOLDER} ${count} times; a campaign template needs it exactly once`,
      );
    }
  }

  return {
    listTemplates,
    getTemplate,
    async findTemplate(name) {
      return (await listTemplates()).filter((t) => t.name === name).sort((a, b) => a.id - b.id)[0];
    },
    async createTemplate(input) {
      check(input);
      await core.server();
      return core.transport.send({
        method: 'POST',
        path: '/api/templates',
        json: {
          name: input.name,
          type: input.type ?? 'campaign',
          subject: input.subject ?? '',
          body: input.body,
        },
        schema: TemplateSchema,
      });
    },
    async updateTemplate(id, patch) {
      const current = await getTemplate(id);
      const next: TemplateInput = {
        name: patch.name ?? current.name,
        body: patch.body ?? current.body,
        type: patch.type ?? (current.type as TemplateInput['type']),
        subject: patch.subject ?? current.subject ?? '',
      };
      check(next);
      return core.transport.send({
        method: 'PUT',
        path: `/api/templates/${id}`,
        json: next,
        schema: TemplateSchema,
      });
    },
  };
}
