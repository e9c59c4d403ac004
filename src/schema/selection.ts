import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from 'graphql';

/** Fields that name the object being resolved rather than read anything about it. */
const NAMING_FIELDS = ['__typename', 'id', 'name', 'registry'];

/**
 * Whether the field being resolved selects `field` and otherwise only fields that name the
 * object (through fragments too): what it resolves to may then skip reading anything else.
 */
export function selectsOnly(info: GraphQLResolveInfo, field: string): boolean {
  let found = false;
  const visited = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    selectionSet?.selections.every((selection) => {
      if (selection.kind === Kind.FIELD) {
        found ||= selection.name.value === field;
        return selection.name.value === field || NAMING_FIELDS.includes(selection.name.value);
      }
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (visited.has(selection.name.value)) return true;
      visited.add(selection.name.value);
      return search(info.fragments[selection.name.value]?.selectionSet);
    }) ?? true;
  return info.fieldNodes.every((node) => search(node.selectionSet)) && found;
}

/**
 * Whether the field being resolved selects any of `names` directly (through fragments too),
 * so that a resolver can fetch what those fields will need in the same upstream call.
 */
export function selectsAny(info: GraphQLResolveInfo, names: readonly string[]): boolean {
  const visited = new Set<string>();
  const search = (selectionSet: SelectionSetNode | undefined): boolean =>
    selectionSet?.selections.some((selection) => {
      if (selection.kind === Kind.FIELD) return names.includes(selection.name.value);
      if (selection.kind === Kind.INLINE_FRAGMENT) return search(selection.selectionSet);
      if (visited.has(selection.name.value)) return false;
      visited.add(selection.name.value);
      return search(info.fragments[selection.name.value]?.selectionSet);
    }) ?? false;
  return info.fieldNodes.some((node) => search(node.selectionSet));
}
