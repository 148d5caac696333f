// Progress of a long export on stderr: a bar on a terminal, a line every 10% (or 2 s) otherwise.

export class ProgressBar {
    private lastLine = 0;
    private lastPct = -1;
    constructor(
        private readonly total: number,
        private readonly label: string,
        private readonly out: NodeJS.WriteStream = process.stderr,
    ) {}

    update(done: number): void {
        if (this.total <= 0) return;
        const pct = Math.floor((done / this.total) * 100);
        if (this.out.isTTY) return this.bar(done, pct);
        const now = Date.now();
        const step = Math.floor(pct / 10);
        if (done === this.total || step > Math.floor(this.lastPct / 10) || now - this.lastLine > 2000) {
            if (done === this.total && this.lastPct === 100) return;
            this.lastPct = pct;
            this.lastLine = now;
            this.out.write(`${this.label}: ${done}/${this.total} (${pct}%)\n`);
        }
    }

    private bar(done: number, pct: number): void {
        if (pct === this.lastPct && done !== this.total) return;
        this.lastPct = pct;
        const width = 30;
        const filled = Math.round((done / this.total) * width);
        this.out.write(`\r${this.label} [${"#".repeat(filled)}${".".repeat(width - filled)}] ${done}/${this.total} (${pct}%)`);
        if (done === this.total) this.out.write("\n");
    }
}
