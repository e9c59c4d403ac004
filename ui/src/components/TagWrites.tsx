import { useState } from 'react';
import { DeleteManifestDocument, DeleteTagDocument, TagManifestDocument } from '../../../src/client/generated/graphql';
import { execute } from '../api/client';
import { shortDigest } from '../model/format';
import { WriteDialog } from './WriteDialog';

export type TagWrite = 'untag' | 'retag' | 'deleteManifest';

interface Target {
  registry: string;
  repository: string;
  tag: string;
  digest: string;
}

/** The three writes on a tag row, each with its dry run shown before it is confirmed. */
export function TagWriteDialog({
  write,
  target,
  onClose,
  onDone,
}: {
  write: TagWrite;
  target: Target;
  onClose: () => void;
  onDone: () => void;
}) {
  const common = { onClose, onDone };
  const { registry, repository, tag, digest } = target;
  if (write === 'untag') {
    const input = { registry, repository, tag };
    return (
      <WriteDialog
        {...common}
        title={`Untag ${repository}:${tag}`}
        confirmLabel={`Remove tag ${tag}`}
        dryRun={async () => (await execute(DeleteTagDocument, { input: { ...input, dryRun: true } })).data!.deleteTag}
        describe={(report) => (
          <ul>
            <li>
              Removes the tag <strong>{report.tag}</strong> from <code>{shortDigest(report.digest)}</code>.
            </li>
            {report.manifestDeleted ? (
              <li>No other tag points at this manifest: it is deleted too.</li>
            ) : (
              <li>The manifest stays; other tags on it: {report.remainingTags.join(', ') || 'none (kept by digest)'}.</li>
            )}
          </ul>
        )}
        run={() => execute(DeleteTagDocument, { input })}
      />
    );
  }
  if (write === 'deleteManifest') {
    const input = { registry, repository, digest };
    return (
      <WriteDialog
        {...common}
        title={`Delete manifest ${shortDigest(digest)}`}
        confirmLabel="Delete the manifest and its tags"
        dryRun={async () => (await execute(DeleteManifestDocument, { input: { ...input, dryRun: true } })).data!.deleteManifest}
        describe={(report) => (
          <p>
            Deletes manifest <code title={report.digest}>{shortDigest(report.digest)}</code> and every tag on it:{' '}
            <strong>{report.removedTags.join(', ') || 'no tag'}</strong>.
          </p>
        )}
        run={() => execute(DeleteManifestDocument, { input })}
      />
    );
  }
  return <RetagDialog {...common} target={target} />;
}

function RetagDialog({ target, onClose, onDone }: { target: Target; onClose: () => void; onDone: () => void }) {
  const [repository, setRepository] = useState(target.repository);
  const [tag, setTag] = useState('');
  const input = {
    registry: target.registry,
    repository,
    tag,
    source: target.digest,
    ...(repository === target.repository ? {} : { sourceRepository: target.repository }),
  };
  return (
    <WriteDialog
      onClose={onClose}
      onDone={onDone}
      title={`Retag or copy ${target.repository}:${target.tag}`}
      confirmLabel={repository === target.repository ? `Tag as ${tag}` : `Copy to ${repository}:${tag}`}
      form={{
        key: `${repository}:${tag}`,
        fields: (
          <>
            <label htmlFor="retag-repository">Repository</label>
            <input id="retag-repository" value={repository} onChange={(event) => setRepository(event.target.value.trim())} required />
            <label htmlFor="retag-tag">New tag</label>
            <input id="retag-tag" value={tag} onChange={(event) => setTag(event.target.value.trim())} required />
          </>
        ),
      }}
      dryRun={
        tag && repository
          ? async () => (await execute(TagManifestDocument, { input: { ...input, dryRun: true } })).data!.tagManifest
          : undefined
      }
      describe={(report) => (
        <ul>
          <li>
            {repository}:<strong>{tag}</strong> will point at <code title={report.digest}>{shortDigest(report.digest)}</code>
            {report.previousDigest ? (
              <>
                {' '}
                (it now points at <code title={report.previousDigest}>{shortDigest(report.previousDigest)}</code>)
              </>
            ) : (
              ' (a new tag)'
            )}
            .
          </li>
          {report.copiesContent && <li>Its layers and config are copied from {target.repository}.</li>}
        </ul>
      )}
      run={() => execute(TagManifestDocument, { input })}
    />
  );
}
