import { describe, expect, it } from "vitest";
import { CallGraph } from "./call-graph.js";

describe("CallGraph", () => {
  it("links both ways and unlinks both ways", () => {
    const graph = new CallGraph();
    graph.link("a", "b");
    expect(graph.partnersOf("a")).toEqual(["b"]);
    expect(graph.partnersOf("b")).toEqual(["a"]);
    graph.unlink("b", "a");
    expect(graph.partnersOf("a")).toEqual([]);
    expect(graph.partnersOf("b")).toEqual([]);
  });

  it("ignores self-links and repeated links", () => {
    const graph = new CallGraph();
    graph.link("a", "a");
    graph.link("a", "b");
    graph.link("b", "a");
    expect(graph.partnersOf("a")).toEqual(["b"]);
  });

  it("removes a user from every partner and reports the partners", () => {
    const graph = new CallGraph();
    graph.link("a", "b");
    graph.link("a", "c");
    graph.link("b", "c");
    expect(graph.removeUser("a").sort()).toEqual(["b", "c"]);
    expect(graph.partnersOf("b")).toEqual(["c"]);
    expect(graph.partnersOf("c")).toEqual(["b"]);
    expect(graph.removeUser("a")).toEqual([]);
  });
});
