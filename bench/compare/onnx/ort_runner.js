// The ONNX Runtime contender of bench/compare/transformer_vs_torch_onnx.py (onnxruntime-node, CPU execution
// provider), speaking the same protocol as the semspace and torch runners:
//
// usage: node ort_runner.js MODEL.onnx IDS_DIR OUT_DIR THREADS REPEATS BxL[,BxL...]
//   IDS_DIR/ids_B_L.bin   int64 little-endian, B x L token ids (no padding; type ids all 0)
//   OUT_DIR/ort_B_L.bin   float32 little-endian, B x H output of the exported model (pooled and normalised)
//   stdout: one JSON line per shape: {"batch": B, "tokens": L, "ms": [time of each repeat]}
// intraOpNumThreads = THREADS and one inter-op thread: the same cores as the other contenders get.
'use strict';
const fs = require('fs');
const path = require('path');
const ort = require('onnxruntime-node');

async function main() {
  const [modelPath, idsDir, outDir, threadsArg, repeatsArg, shapesArg] = process.argv.slice(2);
  if (!shapesArg) throw new Error('usage: node ort_runner.js MODEL.onnx IDS_DIR OUT_DIR THREADS REPEATS BxL[,BxL...]');
  const threads = Number(threadsArg), repeats = Number(repeatsArg);
  const session = await ort.InferenceSession.create(modelPath, {
    executionProviders: ['cpu'],
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    executionMode: 'sequential',
    graphOptimizationLevel: 'all',
  });
  for (const shape of shapesArg.split(',')) {
    const [batch, length] = shape.split('x').map(Number);
    const suffix = `${batch}_${length}.bin`;
    const bytes = fs.readFileSync(path.join(idsDir, `ids_${suffix}`));
    const ids = new BigInt64Array(bytes.buffer, bytes.byteOffset, batch * length);
    const feeds = {
      input_ids: new ort.Tensor('int64', ids, [batch, length]),
      attention_mask: new ort.Tensor('int64', new BigInt64Array(batch * length).fill(1n), [batch, length]),
      token_type_ids: new ort.Tensor('int64', new BigInt64Array(batch * length), [batch, length]),
    };
    const first = await session.run(feeds);  // warm-up, and the output the driver checks
    const pooled = first[session.outputNames[0]].data;
    fs.writeFileSync(path.join(outDir, `ort_${suffix}`), Buffer.from(pooled.buffer, pooled.byteOffset, pooled.byteLength));
    const ms = [];
    for (let r = 0; r < repeats; ++r) {
      const start = process.hrtime.bigint();
      await session.run(feeds);
      ms.push(Number(process.hrtime.bigint() - start) / 1e6);
    }
    console.log(JSON.stringify({ batch, tokens: length, ms }));
  }
}

main().catch((err) => {
  console.error(`ort_runner: ${err.message}`);
  process.exit(1);
});
