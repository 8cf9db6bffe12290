"""What the demo shop's customers write about, in Simplified Chinese and English. Pure data.

Placeholders: {product} {size} {order} {carrier} {tracking} {first} {agent} {amount} {days}.
"""

from agentdesk.connectors.demo.topic_sales import SALES_TOPICS
from agentdesk.connectors.demo.topic_service import SERVICE_TOPICS
from agentdesk.connectors.demo.topic_type import Topic

__all__ = ["TOPICS", "Topic", "GENERIC_CUSTOMER", "GENERIC_AGENT", "NOTES", "PHONE_NOTE"]

TOPICS: list[Topic] = SALES_TOPICS + SERVICE_TOPICS

# Lines that fit any thread, so long conversations do not repeat one topic's lines.
GENERIC_CUSTOMER = {
    "zh": [
        "在吗？",
        "请问有进展了吗？",
        "好的，麻烦尽快。",
        "我再确认一下，是这样吗？",
        "谢谢你们的耐心。",
        "明白。",
        "收到，辛苦了！",
    ],
    "en": [
        "Any update?",
        "Hello? Is anyone there?",
        "OK, please hurry.",
        "Just to confirm, is that right?",
        "Thanks for your patience.",
        "Understood.",
        "Appreciate it!",
    ],
}
GENERIC_AGENT = {
    "zh": [
        "我这边正在跟进，请稍等。",
        "已经帮您备注加急了。",
        "还有其他可以帮您的吗？",
        "好的，有任何问题随时联系我们～",
    ],
    "en": [
        "I'm on it and will update you shortly.",
        "I've flagged this as urgent.",
        "Is there anything else I can help with?",
        "You're welcome! Let us know if anything else comes up.",
    ],
}
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
