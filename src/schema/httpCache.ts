/**
 * Which answers never change: those that follow only from content addressed by digest (a
 * manifest by digest, its config, its layers' descriptors), declared beside the types and root
 * fields, and read by the HTTP caching of GET queries (src/server/httpCache.ts), which lets such
 * an answer be kept for a year.
 */

/** The fields of a type that follow from its content alone: all, or all but some (a manifest's tags move). */
export type ContentFields = 'all' | { except: readonly string[] };

/** Type options: which of its fields follow from content addressed by digest. */
export function contentFields(fields: ContentFields) {
  return { extensions: { contentFields: fields } };
}

export function declaresContent(typeExtensions: Readonly<Record<string, unknown>> | null | undefined): boolean {
  return typeExtensions?.contentFields !== undefined;
}

export function isContentField(typeExtensions: Readonly<Record<string, unknown>> | null | undefined, field: string): boolean {
  const declared = typeExtensions?.contentFields as ContentFields | undefined;
  if (declared === undefined) return false;
  return declared === 'all' || !declared.except.includes(field);
}

/** For a root field: whether, with these arguments, it names content by digest. */
export type ContentWhen = (args: Readonly<Record<string, unknown>>) => boolean;

export function contentWhenOf(fieldExtensions: Readonly<Record<string, unknown>> | null | undefined): ContentWhen | undefined {
  return fieldExtensions?.contentWhen as ContentWhen | undefined;
}

/** A global id of a manifest (ImageManifest or ImageIndex), which names it by digest. */
export function isManifestId(id: unknown): boolean {
  if (typeof id !== 'string') return false;
  const decoded = Buffer.from(id, 'base64').toString('utf8');
  return decoded.startsWith('ImageManifest:') || decoded.startsWith('ImageIndex:');
}
