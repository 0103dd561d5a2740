"""The timeline of a run as numpy columns (times in ns from the start of the run)."""


class TimelineArrays:
    """One row per block and MIX subslot: columns task, block, subslot (0 AIC or plain,
    1 AIV0, 2 AIV1), lane (index into .lanes), submit, ready, dispatch, start, end, finish.
    The host executor fills start/end (ready = dispatch = when the task became ready)."""

    COLUMNS = ("task", "block", "subslot", "lane", "submit", "ready", "dispatch", "start", "end", "finish")

    def __init__(self, columns, lanes, source, makespan_ns):
        self._columns = columns
        self.lanes = lanes  # (name, kind, group) per lane
        self.source = source
        self.makespan_ns = makespan_ns
        for name in self.COLUMNS:
            setattr(self, name, columns[name])

    def __len__(self):
        return len(self._columns["task"])

    def __getitem__(self, column):
        return self._columns[column]

    def to_dict(self):
        """The columns by name (what pandas.DataFrame(...) takes)."""
        return dict(self._columns)

    def __repr__(self):
        return f"<tg.TimelineArrays {self.source}: {len(self)} rows, {len(self.lanes)} lanes, makespan {self.makespan_ns} ns>"
