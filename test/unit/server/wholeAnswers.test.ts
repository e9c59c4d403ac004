import { describe, expect, it } from 'vitest';
import { wholeAnswerMediaType } from '../../../src/server/wholeAnswers.js';

describe('wholeAnswerMediaType', () => {
  it.each([
    ['application/json', 'application/json'],
    ['application/graphql-response+json, application/json', 'application/graphql-response+json'],
    ['application/json;q=0.9, application/graphql-response+json', 'application/json'],
    ['Application/JSON; charset=UTF-8', 'application/json'],
    ['application/*', 'application/graphql-response+json'],
    ['text/html, application/json', 'application/json'],
    ['application/json; charset=iso-8859-1', undefined],
    ['text/html', undefined],
    ['', undefined],
    [null, undefined],
  ])('%j → %j', (accept, expected) => {
    expect(wholeAnswerMediaType(accept)).toBe(expected);
  });
});
