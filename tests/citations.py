"""How an answer cites a clause, typed from the text's own labels （一）…（十四） — not computed by policy_kb.load."""

CITATIONS = {
    1: "第（一）条",
    2: "第（二）条",
    3: "第（三）条",
    4: "第（四）条",
    5: "第（五）条",
    6: "第（六）条",
    7: "第（七）条",
    8: "第（八）条",
    9: "第（九）条",
    10: "第（十）条",
    11: "第（十一）条",
    12: "第（十二）条",
    13: "第（十三）条",
    14: "第（十四）条",
}
