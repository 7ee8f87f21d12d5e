import { describe, expect, it } from "vitest";
import { inheritedFds } from "../../src/core/fds.ts";

const EPOLL = "anon_inode:[eventpoll]";
const EVENTFD = "anon_inode:[eventfd]";

describe("inheritedFds", () => {
  it("keeps what the caller passed, drops the runtime's epoll and eventfd and the listing itself", () => {
    const open = [
      { fd: 0, target: "" },
      { fd: 1, target: "" },
      { fd: 2, target: "" },
      { fd: 3, target: "" },
      { fd: 4, target: EPOLL },
      { fd: 5, target: EVENTFD },
      { fd: 6, target: "" },
      { fd: 7, target: "" },
      { fd: 9, target: "" },
    ];
    expect(inheritedFds(open, 6)).toEqual([7, 9]);
  });
  it("keeps an inherited pipe the runtime's descriptors were allocated around", () => {
    const open = [
      { fd: 3, target: EPOLL },
      { fd: 4, target: "pipe:[1]" },
      { fd: 5, target: EVENTFD },
      { fd: 6, target: "" },
    ];
    expect(inheritedFds(open, 6)).toEqual([4]);
  });
  it("keeps an inherited eventfd above the runtime's run of descriptors", () => {
    expect(inheritedFds([{ fd: 12, target: "" }], 6)).toEqual([12]);
  });
  it("never touches 0-3: the runtime left their close-on-exec flags as the caller set them", () => {
    expect(
      inheritedFds(
        [0, 1, 2, 3].map((fd) => ({ fd, target: "pipe:[2]" })),
        4,
      ),
    ).toEqual([]);
  });
});
