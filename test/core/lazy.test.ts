/** A fact gathered when a rule asks for it, and then once; what was asked for is what explain shows. */
import { describe, expect, it } from "vitest";
import { gathered, lazy } from "../../src/core/lazy.ts";

describe("lazy", () => {
  it("gathers nothing until asked, then once, whatever it gathered (undefined included)", () => {
    let calls = 0;
    const fact = lazy(() => {
      calls++;
      return calls === 1 ? undefined : "again";
    });
    expect(calls).toBe(0);
    expect(fact.taken()).toBeUndefined();
    expect(fact()).toBeUndefined();
    expect(fact()).toBeUndefined();
    expect(calls).toBe(1);
  });

  it("taken is the value once asked for, and nothing before", () => {
    const fact = lazy(() => ({ uid: 10000 }));
    expect(fact.taken()).toBeUndefined();
    const value = fact();
    expect(value).toEqual({ uid: 10000 });
    expect(fact.taken()).toBe(value);
    expect(fact()).toBe(value);
  });
});

describe("known", () => {
  it("a fact already in hand: the value, asked for or not", () => {
    const fact = gathered("none");
    expect(fact.taken()).toBe("none");
    expect(fact()).toBe("none");
  });
});
