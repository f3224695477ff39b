import { describe, expect, it } from "vitest";
import { fragmentWithoutToken, keepSignInToken, keptSignInToken, tokenFromFragment } from "./sign-in-token.js";

describe("the sign-in token in the URL fragment", () => {
  it("reads #token=..., alone or beside other parameters", () => {
    expect(tokenFromFragment("#token=eyJ.abc.def")).toBe("eyJ.abc.def");
    expect(tokenFromFragment("#x=1&token=eyJ.abc.def")).toBe("eyJ.abc.def");
    expect(tokenFromFragment("#token=")).toBeNull();
    expect(tokenFromFragment("")).toBeNull();
    expect(tokenFromFragment("#section")).toBeNull();
  });

  it("leaves the rest of the fragment when the token is taken out", () => {
    expect(fragmentWithoutToken("#token=eyJ.abc.def")).toBe("");
    expect(fragmentWithoutToken("#x=1&token=eyJ.abc.def")).toBe("#x=1");
  });
});

describe("the token kept for this tab", () => {
  /** sessionStorage's part a token is kept with, over a Map. */
  const store = () => {
    const items = new Map<string, string>();
    return {
      getItem: (key: string) => items.get(key) ?? null,
      setItem: (key: string, value: string) => void items.set(key, value),
      removeItem: (key: string) => void items.delete(key),
    };
  };

  it("is replaced by a renewed one, which a reload then signs in with; null forgets it", () => {
    const tab = store();
    expect(keptSignInToken(tab)).toBeNull();
    keepSignInToken("link-token", tab);
    keepSignInToken("renewed-token", tab);
    expect(keptSignInToken(tab)).toBe("renewed-token");
    keepSignInToken(null, tab);
    expect(keptSignInToken(tab)).toBeNull();
  });

  it("is not kept where the browser refuses storage", () => {
    expect(() => keepSignInToken("t", null)).not.toThrow();
    expect(keptSignInToken(null)).toBeNull();
  });
});
