/**
 * What putManifest checks before any upstream call: the document is JSON of a manifest type
 * the gateway knows, within the manifest size limit, and, pushed by digest, hashes to it.
 */
import { computeDigest } from '../../registry/digest.js';
import { MediaType } from '../../registry/mediaTypes.js';
import { digestAlgorithm, isDigest } from '../../registry/reference.js';
import { isRecord } from '../../util/isRecord.js';
import { quote } from '../../util/quote.js';
import { badInput } from '../errors.js';

const MANIFEST_TYPES: readonly string[] = [
  MediaType.ociManifest,
  MediaType.ociIndex,
  MediaType.dockerManifest,
  MediaType.dockerManifestList,
];

export interface ManifestToPush {
  bytes: Buffer;
  mediaType: string;
  digest: string;
}

export function checkedManifest(
  document: string,
  reference: string,
  mediaType: string | null | undefined,
  maxBytes: number,
): ManifestToPush {
  const bytes = Buffer.from(document, 'utf8');
  if (bytes.length > maxBytes)
    throw badInput(`the document is ${bytes.length} bytes; manifests may have ${maxBytes} (limits.maxManifestBytes)`);
  let parsed: unknown;
  try {
    parsed = JSON.parse(document);
  } catch (error) {
    throw badInput(`the document is not JSON: ${(error as Error).message.slice(0, 200)}`);
  }
  if (!isRecord(parsed)) throw badInput('the document is not a JSON object');
  const declared = typeof parsed.mediaType === 'string' ? parsed.mediaType : undefined;
  const type = mediaType ?? declared;
  if (type === undefined) throw badInput('the document has no mediaType field: give mediaType');
  if (!MANIFEST_TYPES.includes(type))
    throw badInput(`${quote(type)} is not a manifest type the gateway knows (${MANIFEST_TYPES.join(', ')})`);
  if (declared !== undefined && declared !== type)
    throw badInput(`mediaType ${quote(type)} differs from the document's own ${quote(declared)}`);
  const digest = isDigest(reference) ? computeDigest(bytes, digestAlgorithm(reference)) : computeDigest(bytes);
  if (isDigest(reference) && reference !== digest) throw badInput(`the document hashes to ${digest}, not to the reference ${reference}`);
  return { bytes, mediaType: type, digest };
}
