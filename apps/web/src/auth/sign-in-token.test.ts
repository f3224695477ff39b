import { describe, expect, it } from "vitest";
import { fragmentWithoutToken, tokenFromFragment } from "./sign-in-token.js";

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
