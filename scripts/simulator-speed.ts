/**
 * Speed check: one job of 10,000 users and a `GET /user` over them, with the configured job
 * latency at 0, so every millisecond printed is the simulator's own work.
 *
 *   npm run build && node dist/scripts/simulator-speed.js [users]
 */
import { startSimulator } from "../simulator";

async function main(): Promise<void> {
    const n = Number(process.argv[2] ?? 10_000);
    const sim = await startSimulator({ port: 0, jobMs: 0, jobMsPerUser: 0 });
    const base = `${sim.url}/cloudapi/restapi`;
    const headers = {
        Authorization: `Basic ${Buffer.from("admin:sim-Pw-4827").toString("base64")}`,
        "Content-Type": "application/json",
        Accept: "application/json",
    };
    const serverMs = (r: Response) => Number(/dur=([\d.]+)/.exec(r.headers.get("server-timing") ?? "")?.[1] ?? NaN);
    try {
        const added = Array.from({ length: n }, (_, i) => ({
            loginId: `SPEED${i}`,
            firstName: "Speed",
            lastName: `User${i}`,
            emailAddress: `speed${i}@example.com`,
            userType: "EMP",
            organization: { name: i % 2 ? "sfo" : "nyc" },
            roles: [{ name: "PrimaveraUnifierProduction" }, { name: "PrimaveraP6Test" }],
        }));
        const body = JSON.stringify({ added });
        let t = performance.now();
        const post = await fetch(`${base}/user`, { method: "POST", headers, body });
        const jobId = await post.text();
        const postMs = performance.now() - t;
        if (post.status !== 202) throw new Error(`POST /user answered ${post.status}: ${jobId}`);
        const postServerMs = serverMs(post);

        t = performance.now();
        let status = 202;
        let result: { added: { statusInfoOK: boolean }[] } | undefined;
        let statusServerMs = NaN;
        for (let i = 0; i < 10_000 && status === 202; i++) {
            const r = await fetch(post.headers.get("location")!, { headers });
            status = r.status;
            if (status === 200) {
                result = (await r.json()) as typeof result;
                statusServerMs = serverMs(r);
            } else await r.arrayBuffer();
        }
        const jobMs = performance.now() - t;
        if (status !== 200 || result?.added.length !== n || !result.added.every((e) => e.statusInfoOK))
            throw new Error(`job ${jobId} did not finish cleanly (status ${status})`);

        t = performance.now();
        const list = await fetch(`${base}/user`, { headers });
        const users = (await list.json()) as unknown[];
        const listMs = performance.now() - t;
        const listServerMs = serverMs(list);

        const stats = (await (await fetch(`${sim.url}/__sim/stats`)).json()) as { lastJobWorkMs: number; overlappingJobs: number };
        const f = (x: number) => `${x.toFixed(1)} ms`;
        console.log(`users in job:                 ${n} (${(body.length / 1e6).toFixed(1)} MB request)`);
        console.log(`POST /user (validate+queue):  server ${f(postServerMs)}, round trip ${f(postMs)}`);
        console.log(`job work (apply ${n} users):  server ${f(stats.lastJobWorkMs)}`);
        console.log(`submit -> 200 (polling):      ${f(jobMs)}; final status answer server ${f(statusServerMs)}`);
        console.log(`GET /user (${users.length} users):      server ${f(listServerMs)}, round trip ${f(listMs)}`);
        console.log(`overlappingJobs:              ${stats.overlappingJobs}`);
    } finally {
        await sim.stop();
    }
}

main().catch((e) => {
    console.error(e);
    process.exit(1);
});
