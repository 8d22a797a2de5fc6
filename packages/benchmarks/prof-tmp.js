const { campaignYear } = require('./dist/workload.js');
const { appendGrouped, appendInterleaved } = require('./dist/append-workload.js');
const { createInMemoryEventStore } = require('@thidua/eventsourcing');
const { thiduaRegistry } = require('@thidua/domain');
(async () => {
  const w = campaignYear({ streams: 2000, eventsPerStream: 50 });
  for (let i = 0; i < 4; i++) {
    const s = createInMemoryEventStore({ registry: thiduaRegistry });
    await appendGrouped(s, w.setup, { writers: 1 });
    const t = process.hrtime.bigint();
    const n = process.argv[2] === 'single' ? await appendInterleaved(s, w.pledges, { writers: 1 }) : await appendGrouped(s, w.pledges, { writers: 1 });
    const ms = Number(process.hrtime.bigint() - t) / 1e6;
    console.log(process.argv[2], Math.round(n / ms * 1000), 'ev/s');
  }
})();
