import { parse, print } from 'graphql';
import { describe, expect, it } from 'vitest';
import { takesAnswersInParts, withoutIncrementalDirectives } from '../../../src/server/wholeAnswers.js';

describe('takesAnswersInParts', () => {
  it.each([
    [null, true],
    ['*/*', true],
    ['multipart/mixed', true],
    ['multipart/mixed;deferSpec=20220824, application/json', true],
    ['application/json, text/event-stream', true],
    ['text/*', true],
    ['Multipart/Mixed; charset=UTF-8', true],
    ['application/json', false],
    ['application/graphql-response+json, application/json', false],
    ['text/html', false],
    ['multipart/mixed; charset=iso-8859-1', false],
    ['', false],
  ])('%j → %j', (accept, expected) => {
    expect(takesAnswersInParts(accept)).toBe(expected);
  });
});

describe('withoutIncrementalDirectives', () => {
  it('inlines deferred fragments and spreads, streams lists whole, and leaves other directives', () => {
    const document = parse(`
      query Q($later: Boolean!) {
        repository(name: "a") {
          tags(first: 3) @include(if: $later) {
            edges @stream(initialCount: 1) { node { name ... @defer(label: "content") { digest } ...Sizes @defer(if: $later) } }
          }
        }
      }
      fragment Sizes on Tag { manifest { totalSize } }
    `);
    expect(print(withoutIncrementalDirectives(document))).toBe(
      print(
        parse(`
          query Q($later: Boolean!) {
            repository(name: "a") {
              tags(first: 3) @include(if: $later) {
                edges { node { name ... { digest } ...Sizes } }
              }
            }
          }
          fragment Sizes on Tag { manifest { totalSize } }
        `),
      ),
    );
  });

  it('returns a document without them as it is', () => {
    const document = parse('{ repository(name: "a") { name } }');
    expect(withoutIncrementalDirectives(document)).toBe(document);
  });
});
