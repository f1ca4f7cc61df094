/**
 * What one poll of a group reads, shared by the group's waits (docs/design.md §16): pages of the
 * job's builds and the host's queue, each fetched at most once per poll. A build is looked up on
 * the page where its number puts it, so a poll reads only the pages its due waits need.
 */
import { BUILDS_CAP, type BuildView, type JenkinsClient, type QueueState } from '../jenkins/index.js';

export class BuildPages {
  private readonly pages = new Map<number, Promise<BuildView[]>>();
  private readonly settled = new Map<number, BuildView[]>();

  constructor(
    private readonly client: JenkinsClient,
    private readonly jobUrl: string,
  ) {}

  /** Builds [start, start + 100), newest first; one request per page and poll. */
  page(start: number): Promise<BuildView[]> {
    let p = this.pages.get(start);
    if (!p) {
      p = this.client.listBuildPage(this.jobUrl, start, start + BUILDS_CAP);
      p.then((v) => this.settled.set(start, v)).catch(() => {});
      this.pages.set(start, p);
    }
    return p;
  }

  /**
   * The build with this number, or null when the pages do not show it (older than the pages
   * reach, deleted, or numbers with gaps): the caller then reads the build itself.
   */
  async find(number: number): Promise<BuildView | null> {
    const first = await this.page(0);
    const hit = first.find((b) => b.number === number);
    if (hit || first.length < BUILDS_CAP || first.length === 0) return hit ?? null;
    // Numbers count down one per build; deleted builds only move a build towards the front.
    const start = Math.floor((first[0]!.number - number) / BUILDS_CAP) * BUILDS_CAP;
    if (start === 0) return null;
    return (await this.page(start)).find((b) => b.number === number) ?? null;
  }

  /** A build on a page this poll has already read (no request). */
  known(number: number): BuildView | undefined {
    for (const page of this.settled.values()) {
      const b = page.find((x) => x.number === number);
      if (b) return b;
    }
    return undefined;
  }

  /** The newest page, if this poll read it. */
  knownFirst(): BuildView[] | undefined {
    return this.settled.get(0);
  }
}

/** The waiting items of one host's queue, read at most once per pass of the hub. */
export class QueueStates {
  private states: Promise<QueueState[]> | null = null;
  private settled: QueueState[] | null = null;

  constructor(private readonly client: JenkinsClient) {}

  read(): Promise<QueueState[]> {
    if (!this.states) {
      this.states = this.client.listQueueStates();
      this.states.then((v) => (this.settled = v)).catch(() => {});
    }
    return this.states;
  }

  known(): QueueState[] | null {
    return this.settled;
  }
}
