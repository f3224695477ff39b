/**
 * Who is negotiating a call with whom. The server does not run calls (clients do), but it must
 * know the partners so that an untargeted call message (the article's client sends `hang-up`
 * with no target) reaches only them, and so that a user who disappears hangs up on them.
 */
export class CallGraph {
  readonly #partners = new Map<string, Set<string>>();

  link(a: string, b: string): void {
    if (a === b) return;
    this.#add(a, b);
    this.#add(b, a);
  }

  unlink(a: string, b: string): void {
    this.#remove(a, b);
    this.#remove(b, a);
  }

  partnersOf(user: string): string[] {
    const partners = this.#partners.get(user);
    return partners ? [...partners] : [];
  }

  /** Forgets every link of `user` and returns the partners it had. */
  removeUser(user: string): string[] {
    const partners = this.partnersOf(user);
    for (const partner of partners) this.#remove(partner, user);
    this.#partners.delete(user);
    return partners;
  }

  #add(from: string, to: string): void {
    let set = this.#partners.get(from);
    if (!set) this.#partners.set(from, (set = new Set()));
    set.add(to);
  }

  #remove(from: string, to: string): void {
    const set = this.#partners.get(from);
    if (!set) return;
    set.delete(to);
    if (set.size === 0) this.#partners.delete(from);
  }
}
