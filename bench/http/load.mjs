// Load generator for bench/http/run.ts, run as a child process so that its CPU time is not
// counted as the servers'. Usage: node bench/http/load.mjs '<json options for autocannon>'
// Prints autocannon's result as one JSON line.
import autocannon from 'autocannon';

const options = JSON.parse(process.argv[2]);
autocannon(options, (error, result) => {
  if (error) {
    console.error(error);
    process.exitCode = 1;
    return;
  }
  process.stdout.write(
    `${JSON.stringify({
      requests: { average: result.requests.average, total: result.requests.total },
      latency: { p50: result.latency.p50, p99: result.latency.p99 },
      non2xx: result.non2xx,
      errors: result.errors,
      duration: result.duration,
    })}\n`,
  );
});
