/** A fact gathered when a rule asks for it, and then once; what was asked for is what explain shows. */
import { describe, expect, it } from "vitest";
import { known, lazy, lazyOf } from "../../src/core/lazy.ts";

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
    const fact = known("none");
    expect(fact.taken()).toBe("none");
    expect(fact()).toBe("none");
  });
});

describe("lazyOf", () => {
  it("gathers for the value it is first asked with, once; taken is that, and nothing before", () => {
    const asked: string[] = [];
    const fact = lazyOf((home: string) => {
      asked.push(home);
      return { home };
    });
    expect(asked).toEqual([]);
    expect(fact.taken()).toBeUndefined();
    expect(fact("/opt/data")).toEqual({ home: "/opt/data" });
    expect(fact("/srv")).toEqual({ home: "/opt/data" });
    expect(asked).toEqual(["/opt/data"]);
    expect(fact.taken()).toEqual({ home: "/opt/data" });
  });

  it("an undefined answer is kept too: asked once", () => {
    let calls = 0;
    const fact = lazyOf((_: number) => {
      calls++;
      return undefined;
    });
    expect(fact(1)).toBeUndefined();
    expect(fact(2)).toBeUndefined();
    expect(calls).toBe(1);
  });
});
