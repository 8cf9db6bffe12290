"""The demo shop's canned replies: thirty topics, each in English and Simplified Chinese.

Placeholders use the picker's syntax: {{customer.first_name|there}}, {{order.number}},
{{order.status}}, {{order.tracking_number}}, {{agent.name}}, {{shop.name}}.
"""

from __future__ import annotations

from agentdesk.model import CannedReply

# shortcode, title (en), title (zh), body (en), body (zh), macro actions
_REPLIES = [
    (
        "hi",
        "Greeting",
        "问候",
        "Hi {{customer.first_name|there}}, thanks for contacting {{shop.name}}! I'm {{agent.name}} and I'll help you today.",
        "您好{{customer.name|}}，欢迎咨询{{shop.name}}，我是客服{{agent.name}}，很高兴为您服务～",
        {},
    ),
    (
        "bye",
        "Closing",
        "结束语",
        "Glad I could help, {{customer.first_name|there}}. Have a lovely day!",
        "感谢您的耐心，祝您生活愉快！有问题随时找我们～",
        {"status": "solved"},
    ),
    (
        "wismo",
        "Where is my order",
        "物流查询",
        "Your order {{order.number}} is {{order.status}}. Tracking: {{order.tracking_number|not yet assigned}} with {{order.carrier|our courier}}.",
        "您的订单{{order.number}}当前状态：{{order.status}}，快递单号{{order.tracking_number|暂未生成}}（{{order.carrier|快递}}）。",
        {},
    ),
    (
        "delay",
        "Shipping delay apology",
        "物流延误致歉",
        "I'm sorry your parcel is taking longer than expected. I've asked the carrier to prioritise order {{order.number}}.",
        "非常抱歉物流延误了，已为您的订单{{order.number}}联系快递加急处理。",
        {"tags": ["shipping-delay"]},
    ),
    (
        "lost",
        "Lost parcel: replacement",
        "包裹丢失补发",
        "The carrier has confirmed the parcel is lost. We're sending a replacement for {{order.number}} today at no cost.",
        "快递确认包裹丢失，我们今天为您免费补发订单{{order.number}}的商品。",
        {"tags": ["lost-parcel"], "status": "pending"},
    ),
    (
        "size",
        "Size advice",
        "尺码建议",
        "Our items fit true to size. If you're between two sizes, we recommend the larger one.",
        "我们的商品尺码标准，如果在两个尺码之间犹豫，建议选大一码。",
        {},
    ),
    (
        "chart",
        "Size chart",
        "尺码表",
        "You'll find the size chart on the product page, just below the photos.",
        "尺码表在商品详情页图片下方，可以对照选择哦。",
        {},
    ),
    (
        "stock",
        "Back in stock soon",
        "即将补货",
        "This item is due back in stock within 7 days. Add it to your wishlist to be notified.",
        "该商品预计7天内补货，加入收藏即可收到到货提醒。",
        {},
    ),
    (
        "coupon",
        "Coupon minimum",
        "优惠券使用条件",
        "That coupon applies to orders over the minimum spend shown at checkout.",
        "该优惠券需满足结算页显示的最低消费金额才能使用哦。",
        {},
    ),
    (
        "pricematch",
        "Price match",
        "价格保护",
        "We offer a 30-day price match: if the price drops, we refund the difference.",
        "我们支持30天价保，降价可申请退还差价。",
        {},
    ),
    (
        "return",
        "Return instructions",
        "退货说明",
        "To return order {{order.number}}, use the prepaid label we've emailed you. Refunds go out within 3 days of receipt.",
        "订单{{order.number}}退货请使用我们发送的预付运单，仓库签收后3天内退款。",
        {"tags": ["return"], "team": "returns"},
    ),
    (
        "refund",
        "Refund issued",
        "退款已处理",
        "Your refund for {{order.number}} has been issued to your original payment method. It may take 1-3 business days to show.",
        "订单{{order.number}}的退款已原路退回，预计1-3个工作日到账。",
        {"tags": ["refund"], "status": "solved"},
    ),
    (
        "refundwait",
        "Refund pending inspection",
        "退款待质检",
        "Your return has arrived and is being inspected; the refund follows within 2 days.",
        "您的退货已签收，正在质检，2天内为您退款。",
        {"status": "pending"},
    ),
    (
        "damaged",
        "Damaged item",
        "商品破损",
        "I'm so sorry your item arrived damaged. Could you send a photo? We'll replace it right away.",
        "非常抱歉商品破损了，麻烦发一张照片给我们，马上为您补发。",
        {"tags": ["damaged"], "priority": "high"},
    ),
    (
        "wrong",
        "Wrong item sent",
        "发错货",
        "Sorry we sent the wrong item. A courier will collect it and the correct one ships today.",
        "抱歉发错货了，快递员会上门取件，正确的商品今天寄出。",
        {"tags": ["wrong-item"]},
    ),
    (
        "invoice",
        "Invoice on its way",
        "发票开具",
        "Your invoice for {{order.number}} will be emailed within 48 hours.",
        "订单{{order.number}}的电子发票将在48小时内发送到您的邮箱。",
        {"tags": ["invoice"]},
    ),
    (
        "vat",
        "VAT details needed",
        "需要开票信息",
        "Please send your company name and VAT number so we can issue the invoice.",
        "请提供公司抬头和税号，我们为您开具发票。",
        {"status": "pending"},
    ),
    (
        "address",
        "Address updated",
        "地址已修改",
        "Done: the shipping address for {{order.number}} is updated.",
        "已为您修改订单{{order.number}}的收货地址。",
        {},
    ),
    (
        "cancel",
        "Order cancelled",
        "订单已取消",
        "Order {{order.number}} is cancelled and refunded in full.",
        "订单{{order.number}}已取消，款项全额原路退回。",
        {"status": "solved"},
    ),
    (
        "vipwelcome",
        "VIP welcome",
        "VIP专属问候",
        "Welcome back, {{customer.first_name|there}}. As a VIP you have a dedicated advisor: me, {{agent.name}}.",
        "尊敬的{{customer.name|会员}}，欢迎回来！我是您的专属顾问{{agent.name}}。",
        {"team": "vip"},
    ),
    (
        "bulk",
        "Bulk order quote",
        "批量采购报价",
        "For orders over 20 units we offer 15% off and free gift wrapping. I'll send a formal quote.",
        "20件以上批量采购可享85折并免费礼盒包装，稍后发您正式报价单。",
        {"tags": ["bulk"]},
    ),
    (
        "complaint",
        "Complaint: taking ownership",
        "投诉跟进",
        "I'm sorry, {{customer.first_name|there}}. I'm taking this over personally and will update you today.",
        "非常抱歉给您带来不好的体验，这个问题由我全程跟进，今天给您答复。",
        {"tags": ["complaint"], "priority": "urgent"},
    ),
    (
        "escalate",
        "Escalated to a supervisor",
        "已升级主管",
        "I've escalated this to my supervisor, who will contact you within 24 hours.",
        "已将您的问题升级给主管，24小时内会联系您。",
        {"tags": ["escalated"]},
    ),
    (
        "followup",
        "Follow-up",
        "跟进确认",
        "Just checking in: did everything arrive as expected with {{order.number}}?",
        "想跟您确认一下，订单{{order.number}}的商品都收到了吗？",
        {"status": "pending"},
    ),
    (
        "rating",
        "Ask for a rating",
        "邀请评价",
        "If I solved your problem, we'd love a quick rating. It helps us a lot!",
        "如果问题已解决，麻烦给我们一个好评，非常感谢！",
        {"status": "solved"},
    ),
    (
        "hours",
        "Opening hours",
        "服务时间",
        "Our team is online 9:00-21:00 every day. Outside those hours we'll answer first thing in the morning.",
        "我们的客服时间是每天9:00-21:00，其他时间的留言会在上班后第一时间回复。",
        {},
    ),
    (
        "atoz",
        "A-to-z: proof of delivery",
        "A-to-z 举证",
        "The carrier's tracking {{order.tracking_number|(number)}} shows delivery; proof of delivery is attached.",
        "快递单号{{order.tracking_number|（单号）}}显示已签收，附上签收证明。",
        {"tags": ["a-to-z"]},
    ),
    (
        "atozrefund",
        "A-to-z: refund issued",
        "A-to-z 已退款",
        "We have refunded the buyer in full and ask that the claim be closed.",
        "我们已全额退款给买家，申请关闭该索赔。",
        {"tags": ["a-to-z"], "status": "solved"},
    ),
    (
        "care",
        "Product care",
        "保养说明",
        "Hand wash cold and dry flat; that keeps the fabric soft for years.",
        "建议冷水手洗、平铺晾干，可以让面料长久保持柔软。",
        {},
    ),
    (
        "warranty",
        "Warranty",
        "质保说明",
        "Your item has a 2-year warranty. Send us the order number and a photo and we'll repair or replace it.",
        "商品享受两年质保，提供订单号和照片即可免费维修或更换。",
        {},
    ),
]


def canned_replies() -> list[CannedReply]:
    out = []
    for code, title_en, title_zh, body_en, body_zh, actions in _REPLIES:
        out.append(
            CannedReply(f"{code}-en", title_en, body_en, shortcode=code, lang="en", actions=actions)
        )
        out.append(
            CannedReply(
                f"{code}-zh", title_zh, body_zh, shortcode=f"{code}.zh", lang="zh", actions=actions
            )
        )
    return out
