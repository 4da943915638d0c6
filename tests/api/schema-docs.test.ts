/**
 * The engines' result schemas take their field and type descriptions from a generated module
 * (`schema-docs.ts` beside each schema module), copied from the JSDoc the API reference shows, so
 * each text is written once (issue 13). These tests fail when a comment was edited without
 * regenerating, and prove the descriptions reach the schemas and the OpenAPI document.
 */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { docsPathOf, renderDocs, SCHEMA_MODULES } from '../../scripts/schema-docs.js';
import { ScenePulseResponseSchema, ResultMetaSchema } from '../../src/api/responses.js';

describe('generated schema docs', () => {
  it.each(SCHEMA_MODULES)(
    '%s: its schema-docs.ts is up to date (else run npx tsx scripts/schema-docs.ts)',
    (module) => {
      expect(readFileSync(docsPathOf(module), 'utf8')).toBe(renderDocs(module, readFileSync(module, 'utf8')));
    },
  );

  it('a field and a type carry their JSDoc text as their description', () => {
    const described = (schema: z.ZodType): string | undefined => z.globalRegistry.get(schema)?.description;
    expect(described(ScenePulseResponseSchema)).toBe(
      'How hot and how fast-moving a scene is, as of a time, with what drove it.',
    );
    expect(described(ScenePulseResponseSchema.shape.heat)).toBe('Heat, 0-100.');
    // Nested objects are described too, field by field.
    expect(described(ResultMetaSchema.shape.stale.shape.records)).toBe(
      'How many records are kept from an earlier refresh, an integer >= 0.',
    );
  });
});
