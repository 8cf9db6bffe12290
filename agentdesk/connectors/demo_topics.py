"""What the demo shop's customers write about, in Simplified Chinese and English. Pure data.

Placeholders: {product} {size} {order} {carrier} {tracking} {first} {agent} {amount} {days}.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Topic:
    key: str
    team: str
    weight: int
    tags: tuple[str, ...]
    subjects: dict[str, list[str]]
    openers: dict[str, list[str]]
    agent: dict[str, list[str]]
    customer: dict[str, list[str]]
    priority: str = "normal"
    needs_order: bool = True
    presales: bool = False


T = Topic
TOPICS = [
    T(
        "size",
        "presales",
        9,
        ("pre-sales", "size"),
        {
            "zh": ["{product}尺码咨询", "{product}选哪个码？", "想问下{product}偏大还是偏小"],
            "en": [
                "Sizing question: {product}",
                "Which size of the {product}?",
                "Does the {product} run small?",
            ],
        },
        {
            "zh": [
                "你好，我平时穿{size}，{product}选哪个码合适？",
                "请问{product}偏大还是偏小？身高165体重52kg。",
                "{product}有没有尺码表？我在{size}和大一码之间犹豫。",
            ],
            "en": [
                "Hi, I usually wear {size}. Which size of the {product} should I order?",
                "Does the {product} run true to size? I'm between {size} and the next size up.",
                "Is there a size chart for the {product}?",
            ],
        },
        {
            "zh": [
                "您好，{product}版型正常，建议按平时的{size}选择哦。",
                "亲，这款偏修身，喜欢宽松可以拍大一码。",
                "尺码表在商品详情页第三张图，有问题随时找我～",
            ],
            "en": [
                "Hi {first}, the {product} fits true to size, so {size} should be right.",
                "It's a slim fit; if you prefer it relaxed, go one size up.",
                "The size chart is the third image on the product page. Happy to help further!",
            ],
        },
        {
            "zh": ["好的谢谢，那我拍{size}。", "明白了，现在下单今天能发吗？", "有优惠券吗？"],
            "en": [
                "Great, I'll order the {size} then.",
                "Thanks! If I order today, when does it ship?",
                "Any discount code available?",
            ],
        },
        needs_order=False,
        presales=True,
    ),
    T(
        "stock",
        "presales",
        6,
        ("pre-sales", "stock"),
        {
            "zh": ["{product}什么时候补货", "{product} {size} 还有货吗"],
            "en": ["When is the {product} back in stock?", "{product} in {size} available?"],
        },
        {
            "zh": [
                "{product}的{size}显示缺货，什么时候补货呀？",
                "请问{product} {size}还有现货吗？急用。",
            ],
            "en": [
                "The {product} in {size} shows out of stock. When will it be back?",
                "Do you have the {product} in {size} in stock? I need it by next week.",
            ],
        },
        {
            "zh": [
                "亲，{size}预计下周三到货，可以先加购物车，到货会有提醒。",
                "目前仓库还有少量现货，拍下48小时内发出。",
            ],
            "en": [
                "The {size} is due back next Wednesday; add it to your wishlist and we'll notify you.",
                "We have a few left in the warehouse; orders today ship within 48 hours.",
            ],
        },
        {
            "zh": ["好的，那我等补货。", "能帮我预留一件吗？"],
            "en": ["OK, I'll wait for the restock.", "Could you hold one for me?"],
        },
        needs_order=False,
        presales=True,
    ),
    T(
        "discount",
        "presales",
        5,
        ("pre-sales", "discount"),
        {
            "zh": ["双十一有优惠吗", "优惠券用不了", "会员折扣咨询"],
            "en": ["Discount code not working", "Any sale coming up?", "Member discount question"],
        },
        {
            "zh": [
                "结算的时候优惠券显示不可用，是怎么回事？",
                "{product}双十一会降价吗？现在买会不会亏？",
                "我是老会员，有没有额外折扣？",
            ],
            "en": [
                "My discount code says it's invalid at checkout.",
                "Will the {product} be on sale soon? Don't want to buy now and miss it.",
                "I've bought from you many times. Is there a loyalty discount?",
            ],
        },
        {
            "zh": [
                "亲，这张券需要满299才能使用哦，{product}加一件配件就可以用了。",
                "我们支持价保30天，降价可以申请退差价。",
                "已为您账户发放一张50元会员券，请查收。",
            ],
            "en": [
                "That code needs a minimum order of $50; adding any accessory will unlock it.",
                "We offer a 30-day price match, so if the price drops we'll refund the difference.",
                "I've added a $10 loyalty credit to your account.",
            ],
        },
        {
            "zh": ["收到了，谢谢！", "那我现在下单了。"],
            "en": ["Got it, thank you!", "Perfect, ordering now."],
        },
        needs_order=False,
        presales=True,
    ),
    T(
        "wismo",
        "aftersales",
        14,
        ("shipping", "wismo"),
        {
            "zh": ["我的快递到哪了", "订单{order}还没发货", "物流三天没更新"],
            "en": [
                "Where is my order {order}?",
                "Order {order} not received",
                "Tracking hasn't updated",
            ],
        },
        {
            "zh": [
                "订单{order}显示已发货，但是{carrier}物流三天没更新了，单号{tracking}。",
                "下单一周了还没收到，订单号{order}，帮忙查一下。",
                "我的包裹是不是丢了？{tracking}一直显示在中转站。",
            ],
            "en": [
                "My order {order} says shipped but {carrier} tracking {tracking} hasn't moved in three days.",
                "I ordered a week ago and nothing has arrived. Order {order}.",
                "Is my parcel lost? Tracking {tracking} has been stuck at the depot.",
            ],
        },
        {
            "zh": [
                "您好，已联系{carrier}核实，包裹在转运中心，预计{days}天内送达。",
                "已帮您催件，{carrier}反馈明天派送，请保持电话畅通。",
                "抱歉让您久等，如果后天还没收到，我们直接给您补发。",
            ],
            "en": [
                "Hi {first}, I've checked with {carrier}: the parcel is at the sorting centre and should arrive within {days} days.",
                "I've chased {carrier}; delivery is scheduled for tomorrow.",
                "Sorry for the wait. If it hasn't arrived in two days, we'll send a replacement right away.",
            ],
        },
        {
            "zh": ["好的，我再等等。", "还是没收到，怎么办？", "收到了，谢谢！"],
            "en": [
                "OK, I'll wait a bit longer.",
                "Still nothing. What now?",
                "It just arrived, thanks!",
            ],
        },
    ),
    T(
        "damaged",
        "aftersales",
        7,
        ("damaged", "after-sales"),
        {
            "zh": ["收到的{product}有破损", "商品损坏要求处理"],
            "en": ["{product} arrived damaged", "Broken item in order {order}"],
        },
        {
            "zh": [
                "刚收到{product}，外包装压坏了，里面也有裂痕，订单{order}，照片已附上。",
                "{product}收到就是坏的，怎么处理？",
            ],
            "en": [
                "The {product} from order {order} arrived with a crack. Photos attached.",
                "My {product} arrived broken. The box was crushed.",
            ],
        },
        {
            "zh": [
                "非常抱歉！已看到照片，我们马上为您补发一件新的，不用寄回。",
                "抱歉给您带来不便，可以选择补发或者全额退款，您看哪种方便？",
            ],
            "en": [
                "I'm so sorry, {first}. I've seen the photos and we're sending a new one; no need to return the damaged one.",
                "Apologies! Would you prefer a replacement or a full refund of {amount}?",
            ],
        },
        {
            "zh": ["补发吧，谢谢。", "那就退款吧。"],
            "en": ["A replacement, please.", "I'd rather have the refund."],
        },
        priority="high",
    ),
    T(
        "wrong_item",
        "aftersales",
        5,
        ("wrong-item", "after-sales"),
        {
            "zh": ["发错货了", "收到的颜色不对"],
            "en": ["Wrong item received", "Wrong size sent for {order}"],
        },
        {
            "zh": [
                "我买的是{size}，收到的却是别的尺码，订单{order}。",
                "颜色发错了，我要的是黑色。",
            ],
            "en": [
                "I ordered {size} but received a different size. Order {order}.",
                "You sent the wrong colour for my {product}.",
            ],
        },
        {
            "zh": [
                "抱歉发错了，已安排快递上门取件，正确的{product}今天发出。",
                "非常抱歉，给您寄出正确尺码，原件等取件员上门收回即可。",
            ],
            "en": [
                "Sorry about that! A courier will collect the wrong item and the right {product} ships today.",
                "Apologies, the correct size is on its way; keep the wrong one until the courier collects it.",
            ],
        },
        {
            "zh": ["好的，取件时间是几点？", "收到正确的了。"],
            "en": ["OK, what time is the pickup?", "Got the right one now, thanks."],
        },
    ),
    T(
        "return",
        "returns",
        9,
        ("return",),
        {
            "zh": ["申请退货", "七天无理由退货", "{product}想退"],
            "en": ["Return request for {order}", "How do I return the {product}?"],
        },
        {
            "zh": [
                "{product}不太合适，想申请七天无理由退货，订单{order}。",
                "退货地址是哪里？运费谁出？",
            ],
            "en": [
                "The {product} doesn't suit me. I'd like to return it (order {order}).",
                "What's the return address, and who pays return shipping?",
            ],
        },
        {
            "zh": [
                "已为您提交退货申请，请在7天内寄回，运费险会自动理赔。",
                "退货地址已发送到您的订单页，寄出后请填写单号。",
            ],
            "en": [
                "I've opened a return for you. Please send it back within 30 days; the prepaid label is in your email.",
                "The return label is attached. Once it's scanned we'll refund within 3 days.",
            ],
        },
        {
            "zh": ["已经寄出了，单号是{tracking}。", "好的谢谢。"],
            "en": ["Sent it back today, tracking {tracking}.", "Thanks, will do."],
        },
    ),
    T(
        "refund",
        "returns",
        10,
        ("refund",),
        {
            "zh": ["退款什么时候到账", "申请退款", "退款进度查询"],
            "en": ["Refund not received", "Refund status for {order}", "Requesting a refund"],
        },
        {
            "zh": [
                "退货已经签收三天了，退款还没到账，订单{order}。",
                "我要退款，{product}质量有问题。",
                "退款{amount}什么时候能到？",
            ],
            "en": [
                "You received my return three days ago but I still don't have my refund for {order}.",
                "I want a refund for the {product}; the quality isn't what I expected.",
                "When will the refund of {amount} reach my card?",
            ],
        },
        {
            "zh": [
                "已为您加急处理，退款{amount}原路退回，1-3个工作日到账。",
                "查到退款已经发起，银行处理需要几天，请耐心等待。",
            ],
            "en": [
                "I've pushed this through: {amount} is refunded to your original payment method, 1-3 business days.",
                "The refund was issued today; your bank may take a few days to show it.",
            ],
        },
        {
            "zh": ["收到退款了，谢谢。", "怎么还没到？"],
            "en": ["Refund received, thank you.", "It still hasn't arrived."],
        },
        priority="high",
    ),
    T(
        "invoice",
        "aftersales",
        4,
        ("invoice", "发票"),
        {
            "zh": ["开发票", "发票抬头修改", "需要增值税专用发票"],
            "en": ["Invoice request for {order}", "VAT invoice needed"],
        },
        {
            "zh": [
                "订单{order}需要开电子发票，抬头是公司名称，税号稍后发您。",
                "发票抬头写错了，能重开吗？",
            ],
            "en": [
                "Could you send a VAT invoice for order {order}? Company details below.",
                "The invoice has the wrong company name. Can you reissue it?",
            ],
        },
        {
            "zh": ["好的，电子发票会在48小时内发送到您的邮箱。", "已重新开具，旧发票作废。"],
            "en": [
                "Sure, the invoice will be emailed within 48 hours.",
                "Reissued with the corrected name; the old one is void.",
            ],
        },
        {
            "zh": ["收到发票了。", "税号是91310000MA1XXXXX。"],
            "en": ["Invoice received, thanks.", "Our VAT number is GB123456789."],
        },
        priority="low",
    ),
    T(
        "complaint",
        "aftersales",
        4,
        ("complaint",),
        {
            "zh": ["投诉：客服态度差", "非常不满意", "要求赔偿"],
            "en": ["Complaint about my order", "Very disappointed", "Third time asking!"],
        },
        {
            "zh": [
                "我已经问了三次了都没人解决，再不处理我就去平台投诉了！",
                "{product}用了一周就坏了，这质量太差了。",
            ],
            "en": [
                "This is the third time I'm writing and nobody has fixed it. I'm about to file a chargeback.",
                "The {product} broke after one week. Really poor quality.",
            ],
        },
        {
            "zh": [
                "非常抱歉给您带来这么差的体验，这个问题由我全程跟进，今天之内给您答复。",
                "理解您的心情，我们为您全额退款并补偿一张100元券。",
            ],
            "en": [
                "I'm truly sorry, {first}. I'm taking this over personally and will have an answer for you today.",
                "I understand. We're refunding you in full and adding a $20 credit for the trouble.",
            ],
        },
        {
            "zh": ["希望这次能真的解决。", "行吧，谢谢。"],
            "en": ["I hope it's really sorted this time.", "Fine, thank you."],
        },
        priority="urgent",
    ),
    T(
        "vip",
        "vip",
        3,
        ("vip",),
        {
            "zh": ["VIP专属服务咨询", "大额采购询价"],
            "en": ["VIP order request", "Corporate gift order"],
        },
        {
            "zh": [
                "我们公司想采购50套{product}作为年会礼品，能给个报价吗？",
                "我是黑金会员，想预约私人导购。",
            ],
            "en": [
                "We'd like 50 {product} as corporate gifts. Could you quote?",
                "As a VIP member I'd like a personal styling appointment.",
            ],
        },
        {
            "zh": [
                "感谢您的信任！50套可以享受8折，并免费定制包装。",
                "已为您安排专属顾问，明天上午联系您。",
            ],
            "en": [
                "Thank you! For 50 units we can offer 20% off and free gift wrapping.",
                "Your personal advisor will call you tomorrow morning.",
            ],
        },
        {
            "zh": ["好的，请发正式报价单。", "时间可以。"],
            "en": ["Great, please send a formal quote.", "That time works."],
        },
        priority="high",
        needs_order=False,
    ),
    T(
        "a_to_z",
        "marketplace",
        3,
        ("a-to-z", "amazon"),
        {"en": ["A-to-z Guarantee claim: order {order}", "A-to-z claim opened for {order}"]},
        {
            "en": [
                "Buyer opened an A-to-z Guarantee claim: item not received for order {order}. Claim reason: package never arrived.",
                "A-to-z Guarantee claim filed by the buyer: {product} not as described.",
            ]
        },
        {
            "en": [
                "We have reviewed the claim. Tracking {tracking} shows delivery on the stated date; proof of delivery attached.",
                "We have issued a full refund of {amount} to the buyer and request that the claim be closed.",
            ]
        },
        {
            "en": [
                "Amazon: the claim is under review. Respond within the stated deadline.",
                "Buyer: I still haven't got it.",
            ]
        },
        priority="urgent",
    ),
    T(
        "address",
        "aftersales",
        4,
        ("address-change",),
        {
            "zh": ["修改收货地址", "地址填错了"],
            "en": ["Change shipping address", "Wrong address on {order}"],
        },
        {
            "zh": [
                "订单{order}的地址填错了，能改成公司地址吗？",
                "还没发货的话麻烦改一下收件人电话。",
            ],
            "en": [
                "I entered the wrong address for {order}. Can you change it before it ships?",
                "Please update the phone number on my order.",
            ],
        },
        {
            "zh": ["已为您修改地址，订单还未出库。", "抱歉已经发出了，我联系{carrier}改派。"],
            "en": [
                "Done, the address is updated and the order hasn't left the warehouse.",
                "It has already shipped; I've asked {carrier} to redirect it.",
            ],
        },
        {"zh": ["谢谢！", "好的。"], "en": ["Thank you!", "OK."]},
    ),
    T(
        "cancel",
        "aftersales",
        3,
        ("cancel",),
        {
            "zh": ["取消订单", "不想要了能取消吗"],
            "en": ["Cancel order {order}", "Please cancel my order"],
        },
        {
            "zh": ["订单{order}拍错了，麻烦取消。", "能取消订单吗？还没发货。"],
            "en": [
                "Please cancel order {order}, I ordered by mistake.",
                "Can I still cancel? It hasn't shipped yet.",
            ],
        },
        {
            "zh": ["已为您取消，款项原路退回。", "订单已取消，退款1-3天到账。"],
            "en": [
                "Cancelled; you'll see the refund in 1-3 days.",
                "Your order is cancelled and refunded.",
            ],
        },
        {"zh": ["好的。"], "en": ["Thanks."]},
    ),
]

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
