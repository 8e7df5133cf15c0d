import { prepareJsonSchema, prepareToolParameters } from './schema';

describe('gemini schema preparation', () => {
  it('inlines same-document refs (siblings win), drops $schema and the then-unused $defs', () => {
    expect(
      prepareJsonSchema({
        $schema: 'https://json-schema.org/draft/2020-12/schema',
        type: 'object',
        properties: {
          a: { $ref: '#/$defs/A', description: 'first' },
          b: { type: 'array', items: { $ref: '#/definitions/B' } },
          $schema: { type: 'string' },
        },
        $defs: { A: { type: 'string', description: 'an A', enum: ['x', 'y'] } },
        definitions: { B: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
        default: { $ref: 'data, not a schema' },
      }),
    ).toEqual({
      type: 'object',
      properties: {
        a: { type: 'string', description: 'first', enum: ['x', 'y'] },
        b: { type: 'array', items: { anyOf: [{ type: 'integer' }, { type: 'null' }] } },
        $schema: { type: 'string' },
      },
      default: { $ref: 'data, not a schema' },
    });
  });

  it('leaves recursive refs in place and keeps their $defs', () => {
    const node = {
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
    };
    const prepared = prepareJsonSchema({ $ref: '#/$defs/Node', $defs: { Node: node } });
    expect(prepared.$defs).toBeDefined();
    expect(prepared).toMatchObject({
      type: 'object',
      properties: { children: { type: 'array', items: { $ref: '#/$defs/Node' } } },
    });
  });

  it('gives tool parameters an object root', () => {
    expect(prepareToolParameters({})).toEqual({ type: 'object', properties: {} });
    expect(prepareToolParameters({ type: 'object' })).toEqual({ type: 'object', properties: {} });
  });
});
