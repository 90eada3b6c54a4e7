"""The bilingual antitrust disclaimer (docs/design/antitrust.md), shown wherever qtgov reports."""

ZH = (
    "qtgov 只记录协议，不构成法律意见。反垄断标记是启发式提示：有标记不等于违法，"
    "没有标记也不等于合规。划分市场、互不挖角和协调价格可能违反《反垄断法》等竞争法，请咨询律师。"
)
EN = (
    "qtgov records agreements; it is not legal advice. Antitrust flags are heuristics: a flag is not "
    "a finding of illegality, and no flag is not clearance. Market allocation, no-poach and price "
    "coordination can breach competition law; consult counsel."
)
TEXT = f"{ZH}\n{EN}"
