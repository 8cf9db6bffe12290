"""What the demo shop's customers write about, in Simplified Chinese and English. Pure data.

Placeholders: {product} {size} {order} {carrier} {tracking} {first} {agent} {amount} {days}.
"""

from agentdesk.connectors.demo.topic_sales import SALES_TOPICS
from agentdesk.connectors.demo.topic_service import SERVICE_TOPICS
from agentdesk.connectors.demo.topic_type import Topic

__all__ = [
    "TOPICS",
    "Topic",
    "GENERIC_CUSTOMER",
    "CUSTOMER_THANKS",
    "GENERIC_AGENT",
    "AGENT_CLOSING",
    "NOTES",
    "PHONE_NOTE",
    "is_thanks",
]

TOPICS: list[Topic] = SALES_TOPICS + SERVICE_TOPICS

# Lines that fit any thread, so long conversations do not repeat one topic's lines: a
# customer's follow-ups and thanks, an agent's holding answers and closing words.
GENERIC_CUSTOMER = {
    "zh": [
        "在吗？",
        "请问有进展了吗？",
        "好的，麻烦尽快。",
        "我再确认一下，是这样吗？",
        "明白。",
        "大概还要多久？",
        "能不能快一点，我比较急。",
    ],
    "en": [
        "Any update?",
        "Hello? Is anyone there?",
        "OK, please hurry.",
        "Just to confirm, is that right?",
        "Understood.",
        "How long will that take?",
        "Could you speed it up? I need it soon.",
    ],
}
CUSTOMER_THANKS = {
    "zh": ["谢谢你们的耐心。", "收到，辛苦了！", "好的，谢谢！", "明白了，谢谢～"],
    "en": [
        "Thanks for your patience.",
        "Appreciate it, thanks!",
        "Great, thank you!",
        "Perfect, thanks.",
    ],
}
GENERIC_AGENT = {
    "zh": [
        "我这边正在跟进，请稍等。",
        "已经帮您备注加急了。",
        "已经在处理了，有结果第一时间告诉您。",
        "一般1到2个工作日会有结果，请您放心。",
        "我已经把情况反馈给主管，会优先处理。",
    ],
    "en": [
        "I'm on it and will update you shortly.",
        "I've flagged this as urgent.",
        "I'm checking this now and will get back to you as soon as I know more.",
        "It usually takes one or two working days; I'll keep an eye on it.",
        "I've passed this to my supervisor so it gets priority.",
    ],
}
AGENT_CLOSING = {
    "zh": [
        "不客气，有任何问题随时联系我们～",
        "很高兴帮到您，祝您生活愉快！",
        "不客气，祝您购物愉快！",
    ],
    "en": [
        "You're welcome! Let us know if anything else comes up.",
        "Glad that's sorted. Have a great day!",
        "My pleasure. Enjoy your order!",
    ],
}


def is_thanks(line: str) -> bool:
    """A customer's line that ends a conversation (thanks, received), not one that asks on."""
    lowered = line.lower()
    return (
        any(word in lowered for word in ("thank", "谢谢", "收到"))
        and "?" not in line
        and "？" not in line
    )


NOTES = {
    "zh": [
        "已联系仓库核实。",
        "客户情绪激动，注意语气。",
        "回电客户未接通，稍后再试。",
        "等待快递公司回复。",
    ],
    "en": [
        "Checked with the warehouse.",
        "Customer is upset; handle with care.",
        "Called back, no answer; will retry.",
        "Waiting on the carrier's reply.",
    ],
}
PHONE_NOTE = {
    "zh": "电话记录：客户来电，{line}",
    "en": "Call notes: customer phoned in. {line}",
}
