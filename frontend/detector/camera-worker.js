// The camera worker: counts the faces in frames the exam page posts, off the page's main
// thread, with the detector in detector.wasm (Rust: frontend/detector/src/lib.rs). It holds
// one frame at a time, answers with a number, keeps nothing, and makes no request but the one
// for the detector (cached with the rest of the build's files).
'use strict';

const detector = (async () => {
  const response = fetch(new URL('detector.wasm', self.location.href));
  const { instance } = await WebAssembly.instantiateStreaming(response, {});
  const exports = instance.exports;
  // Two counts on a blank frame before the first real one: the model is parsed and the
  // browser has begun optimising the detector's code, so the candidate's first frames are
  // not the slowest.
  const at = exports.frame_buffer(320, 240);
  if (at !== 0) {
    new Uint8Array(exports.memory.buffer, at, 320 * 240 * 4).fill(128);
    exports.count_faces(320, 240);
    exports.count_faces(320, 240);
  }
  return exports;
})();

self.onmessage = async (event) => {
  const { width, height, pixels } = event.data || {};
  let exports;
  try {
    exports = await detector;
  } catch (e) {
    self.postMessage({ error: `the face detector could not be loaded: ${e}` });
    return;
  }
  if (!(pixels instanceof ArrayBuffer) || pixels.byteLength !== width * height * 4) {
    self.postMessage({ error: 'the frame was not a whole RGBA picture' });
    return;
  }
  const started = performance.now();
  const at = exports.frame_buffer(width, height);
  if (at === 0) {
    self.postMessage({ error: `a ${width}×${height} frame is out of bounds` });
    return;
  }
  new Uint8Array(exports.memory.buffer, at, pixels.byteLength).set(new Uint8Array(pixels));
  const faces = exports.count_faces(width, height);
  if (faces < 0) {
    self.postMessage({ error: `the detector refused the frame (${faces})` });
    return;
  }
  self.postMessage({ faces, ms: performance.now() - started });
};
