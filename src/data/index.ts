/**
 * Data sets as plain arrays: the image-set types, batches, the IDX format and the bundled MNIST sample's split
 * and binary forms. Reading files is Node's job (`src/run/datasets.ts`); the browser fetches the same bytes.
 */
export { encodeIdx, type IdxArray, parseIdx, parseIdxImageSet } from "./idx.js";
export * from "./mnist-sample.js";
export type { DataSplit, ImageSet } from "./types.js";
export { gatherBatch, imageSize, selectImages } from "./types.js";
