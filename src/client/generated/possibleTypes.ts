
      export type PossibleTypesResultData = {
  "possibleTypes": {
    "Manifest": [
      "ImageIndex",
      "ImageManifest"
    ],
    "Node": [
      "Blob",
      "ImageIndex",
      "ImageManifest",
      "Registry",
      "Repository",
      "Tag"
    ]
  }
};
      const result: PossibleTypesResultData = {
  "possibleTypes": {
    "Manifest": [
      "ImageIndex",
      "ImageManifest"
    ],
    "Node": [
      "Blob",
      "ImageIndex",
      "ImageManifest",
      "Registry",
      "Repository",
      "Tag"
    ]
  }
};
      export default result;
    